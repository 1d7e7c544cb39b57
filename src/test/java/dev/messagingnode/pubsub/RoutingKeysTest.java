package dev.messagingnode.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoutingKeysTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "orders.eu-west.created", "a_b.C9"})
    void acceptsKeys(String key) {
        assertThat(RoutingKeys.validateKey(key)).isEqualTo(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.*", "#", "a.#.b", "a b", "a/b", "ä", "a.b*"})
    void refusesKeysWithWildcardsOrOtherCharacters(String key) {
        assertThatThrownBy(() -> RoutingKeys.validateKey(key))
            .isInstanceOfSatisfying(MessagingException.class, e -> assertThat(e.failure()).isEqualTo(Failure.INVALID));
    }

    @ParameterizedTest
    @ValueSource(strings = {"#", "*", "a.*.b", "a.#", "*.*.#"})
    void acceptsPatternsWithWholeWordWildcards(String pattern) {
        assertThat(RoutingKeys.validatePattern(pattern)).isEqualTo(pattern);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a*", "a.b#", "**", "a. b"})
    void refusesWildcardsInsideWords(String pattern) {
        assertThatThrownBy(() -> RoutingKeys.validatePattern(pattern)).isInstanceOf(MessagingException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a..b", ".a", "a.", ".", "a.*..b"})
    void refusesEmptyWords(String key) {
        assertThatThrownBy(() -> RoutingKeys.validateKey(key.replace("*", "x"))).isInstanceOfSatisfying(
            MessagingException.class, e -> assertThat(e.detail()).contains("empty word"));
        assertThatThrownBy(() -> RoutingKeys.validatePattern(key)).isInstanceOf(MessagingException.class);
    }

    @Test
    void refusesKeysOver255Characters() {
        assertThatThrownBy(() -> RoutingKeys.validateKey("a".repeat(256))).hasMessageContaining("255");
    }

    /**
     * The one-pass check accepts exactly what the check that explains (word by word) accepts: 200,000 random keys
     * and patterns of dots, wildcards, allowed and other characters, as both.
     */
    @Test
    void theOnePassCheckAgreesWithTheExplainingOne() {
        java.util.Random random = new java.util.Random(13);
        char[] alphabet = {'a', 'Z', '0', '-', '_', '.', '.', '*', '#', ' ', '/', '\u00e4'};
        int accepted = 0;
        for (int n = 0; n < 200_000; n++) {
            char[] key = new char[random.nextInt(9)];
            for (int i = 0; i < key.length; i++) {
                key[i] = alphabet[random.nextInt(alphabet.length)];
            }
            String k = new String(key);
            for (boolean pattern : new boolean[] {false, true}) {
                boolean explained;
                try {
                    RoutingKeys.explainWhy(k, pattern);
                    explained = true;
                } catch (MessagingException e) {
                    explained = false;
                }
                assertThat(RoutingKeys.isWellFormed(k, pattern)).as("'%s' as %s", k, pattern ? "pattern" : "key")
                    .isEqualTo(explained);
                accepted += explained ? 1 : 0;
            }
        }
        assertThat(accepted).as("some of them valid").isGreaterThan(1_000);
    }
}

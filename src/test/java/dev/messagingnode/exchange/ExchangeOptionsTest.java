package dev.messagingnode.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExchangeOptionsTest {

    private static final Duration MIN = Duration.ofMillis(1);
    private static final Duration MAX = Duration.ofHours(1);

    @Test
    void readsDurationsInShortAndIsoForm() {
        ExchangeOptions o = new ExchangeOptions("x", Map.of("a", "250ms", "b", "30s", "c", "2m", "d", "PT1S"));
        assertThat(o.duration("a", MIN, MIN, MAX)).isEqualTo(Duration.ofMillis(250));
        assertThat(o.duration("b", MIN, MIN, MAX)).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.duration("c", MIN, MIN, MAX)).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.duration("d", MIN, MIN, MAX)).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.duration("absent", Duration.ofSeconds(7), MIN, MAX)).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void refusesABadDurationNamingTheKeyAndTheExpectedForm() {
        ExchangeOptions o = new ExchangeOptions("orders", Map.of("request-timeout", "soon"));
        assertThatThrownBy(() -> o.duration("request-timeout", MIN, MIN, MAX))
            .isInstanceOfSatisfying(MessagingException.class, e -> {
                assertThat(e.failure()).isEqualTo(Failure.INVALID);
                assertThat(e.detail()).contains("orders").contains("request-timeout='soon'").contains("30s");
            });
    }

    @Test
    void refusesNumbersOutOfRange() {
        ExchangeOptions o = new ExchangeOptions("x", Map.of("n", "0", "m", "many"));
        assertThatThrownBy(() -> o.intValue("n", 5, 1, 10)).hasMessageContaining("from 1 to 10");
        assertThatThrownBy(() -> o.intValue("m", 5, 1, 10)).hasMessageContaining("m='many'");
    }

    @Test
    void rejectsUnknownKeysListingTheKnownOnes() {
        ExchangeOptions o = new ExchangeOptions("x", Map.of("max-in-flight", "3", "max-inflight", "4"));
        o.intValue("max-in-flight", 1, 1, 10);
        assertThatThrownBy(o::rejectUnknown)
            .isInstanceOfSatisfying(MessagingException.class, e -> {
                assertThat(e.failure()).isEqualTo(Failure.INVALID);
                assertThat(e.detail()).contains("[max-inflight]").contains("[max-in-flight]");
            });
    }
}

package dev.messagingnode.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExchangeNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "orders", "orders.eu-west_1", "A-Z.0-9_"})
    void acceptsLettersDigitsDotsDashesAndUnderscores(String name) {
        assertThat(ExchangeName.validate(name)).isEqualTo(name);
    }

    @Test
    void acceptsExactly128Characters() {
        assertThat(ExchangeName.validate("x".repeat(128))).hasSize(128);
    }

    @Test
    void refuses129Characters() {
        assertThatThrownBy(() -> ExchangeName.validate("x".repeat(129)))
            .isInstanceOfSatisfying(MessagingException.class, e -> {
                assertThat(e.failure()).isEqualTo(Failure.INVALID);
                assertThat(e.detail()).contains("129").contains("128");
            });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "slash/name", "star*", "hash#", "ümlaut", "tab\tname", "at@", "bracket[",
        "backtick`", "brace{", "colon:", "comma,", "plus+", "fullwidth\uff21", "nul\u0000"})
    void refusesOtherCharacters(String name) {
        assertThatThrownBy(() -> ExchangeName.validate(name))
            .isInstanceOfSatisfying(MessagingException.class, e -> assertThat(e.failure()).isEqualTo(Failure.INVALID));
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> ExchangeName.validate(null)).isInstanceOf(MessagingException.class);
    }
}

package dev.messagingnode.exchange;

import static dev.messagingnode.testing.LocalNode.await;
import static dev.messagingnode.testing.LocalNode.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.messagingnode.testing.LocalNode;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ExchangeRegistryTest {

    private final LocalNode node = new LocalNode();

    @AfterEach
    void close() {
        node.close();
    }

    @Test
    void createsListsAndDeletesThroughTheJavaApi() {
        await(node.client.createExchange(ExchangeDefinition.of("b-rpc", "request-response")));
        await(node.client.createExchange(ExchangeDefinition.of("a-rpc", "request-response")
            .withOption("request-timeout", "5s")));
        assertThat(await(node.client.exchanges())).extracting(ExchangeDefinition::name)
            .containsExactly("a-rpc", "b-rpc");
        await(node.client.deleteExchange("a-rpc"));
        assertThat(await(node.client.exchanges())).extracting(ExchangeDefinition::name).containsExactly("b-rpc");
    }

    @Test
    void creatingTheSameDefinitionTwiceIsANoOp() {
        ExchangeDefinition d = ExchangeDefinition.of("orders", "request-response").withOption("max-in-flight", "5");
        await(node.client.createExchange(d));
        await(node.client.createExchange(d));
        assertThat(await(node.client.exchanges())).containsExactly(d);
    }

    @Test
    void anotherDefinitionUnderATakenNameIsAConflict() {
        await(node.client.createExchange(ExchangeDefinition.of("orders", "request-response")));
        MessagingException e = awaitFailure(node.client.createExchange(
            ExchangeDefinition.of("orders", "request-response").withOption("max-in-flight", "5")));
        assertThat(e.failure()).isEqualTo(Failure.CONFLICT);
        assertThat(e.detail()).contains("orders").contains("max-in-flight=5");
    }

    @Test
    void refusesUnknownPatternsBadNamesAndBadOptions() {
        MessagingException pattern = awaitFailure(node.client.createExchange(ExchangeDefinition.of("x", "fanout")));
        assertThat(pattern.failure()).isEqualTo(Failure.INVALID);
        assertThat(pattern.detail()).contains("fanout").contains("request-response");

        MessagingException name = awaitFailure(node.client.createExchange(ExchangeDefinition.of("a b", "request-response")));
        assertThat(name.failure()).isEqualTo(Failure.INVALID);

        MessagingException option = awaitFailure(node.client.createExchange(
            ExchangeDefinition.of("x", "request-response").withOption("chunk-window", "0")));
        assertThat(option.failure()).isEqualTo(Failure.INVALID);
        assertThat(option.detail()).contains("chunk-window='0'");

        assertThat(await(node.client.exchanges())).isEmpty();
    }

    @Test
    void deletingAMissingExchangeSaysSo() {
        MessagingException e = awaitFailure(node.client.deleteExchange("ghost"));
        assertThat(e.failure()).isEqualTo(Failure.NO_SUCH_EXCHANGE);
        assertThat(e.detail()).contains("ghost");
    }
}

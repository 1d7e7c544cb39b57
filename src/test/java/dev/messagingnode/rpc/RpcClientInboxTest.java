package dev.messagingnode.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.messagingnode.exchange.Addresses;
import dev.messagingnode.exchange.LocalParties;
import dev.messagingnode.exchange.Transport;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client's inbox takes sends from this node without the event bus (a service's direct reply, a late first
 * answer), as parties do, while it is open; once closed, a send to it is the event bus's again.
 */
class RpcClientInboxTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void anOpenInboxIsALocalPartyAndAReplySentToItIsIgnoredWhenNothingWaits() throws Exception {
        Transport.install(vertx, new dev.messagingnode.exchange.LocalTransport(vertx));
        RpcClient client = new RpcClient(vertx, "inbox-test", 10, Duration.ofSeconds(5));
        client.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String inbox = Addresses.inbox("inbox-test");
        assertThat(LocalParties.of(vertx).send(inbox, ReplyFrame.message(42,
            new dev.messagingnode.exchange.Envelope("x", "t", Buffer.buffer("late"), java.util.Map.of()))))
            .as("handed to the inbox without the event bus").isTrue();
        client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(LocalParties.of(vertx).send(inbox, "after")).as("closed: not a party any more").isFalse();
    }
}

package dev.messagingnode.rpc;

import static dev.messagingnode.testing.LocalNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.messagingnode.exchange.Addresses;
import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.Registration;
import dev.messagingnode.testing.LocalNode;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An accepted request's acceptance carries its first answer when the service answers within the fold (one message
 * instead of two), and comes on its own, empty, once the fold has passed; the answer then goes to the inbox.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AcceptanceFoldTest {

    private final LocalNode node = new LocalNode();

    @AfterEach
    void close() {
        node.close();
    }

    @Test
    void aPromptAnswerTravelsAsTheAcceptanceAndALateOneToTheInbox() {
        node.create("fold", RequestResponsePattern.NAME);
        List<ServiceRequest> held = new CopyOnWriteArrayList<>();
        Registration service = node.client.register("fold", req -> {
            if (req.message().toString().equals("now")) {
                req.reply(Buffer.buffer("at once"));
            } else {
                held.add(req);
            }
        });
        await(service.attached());
        List<Object> inbox = new CopyOnWriteArrayList<>();
        node.vertx.eventBus().consumer("test.inbox", m -> inbox.add(m.body()));

        Object prompt = await(node.vertx.eventBus().request(Addresses.exchange("fold"), request(1, "now"),
            new DeliveryOptions().setSendTimeout(5000)).map(Message::body));
        assertThat(prompt).isInstanceOfSatisfying(ReplyFrame.class, r -> {
            assertThat(r.requestId()).isEqualTo(1);
            assertThat(r.kind()).isEqualTo(ReplyFrame.Kind.MESSAGE);
            assertThat(r.envelope().message().toString()).isEqualTo("at once");
        });

        long sent = System.nanoTime();
        Object accepted = await(node.vertx.eventBus().request(Addresses.exchange("fold"), request(2, "later"),
            new DeliveryOptions().setSendTimeout(5000)).map(Message::body));
        long tookMs = (System.nanoTime() - sent) / 1_000_000;
        assertThat(accepted).isNull();
        assertThat(tookMs).isGreaterThanOrEqualTo(RequestResponseExchange.FOLD_MS - 1).isLessThan(5000);
        assertThat(inbox).isEmpty();
        Promise<Void> replied = Promise.promise();
        node.vertx.runOnContext(v -> {
            held.get(0).reply(Buffer.buffer("in time"));
            replied.complete();
        });
        await(replied.future());
        org.awaitility.Awaitility.await().until(() -> inbox.size() == 1);
        assertThat(inbox.get(0)).isInstanceOfSatisfying(ReplyFrame.class,
            r -> assertThat(r.envelope().message().toString()).isEqualTo("in time"));
    }

    private static RequestFrame request(long id, String body) {
        return new RequestFrame(id, "test.inbox", new Envelope("fold", "t", Buffer.buffer(body), Map.of()), 0, null, false);
    }
}

package dev.messagingnode.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sends to a party on this node are handed to it on its context, in order, and stop when its consumer goes. */
class LocalPartiesTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aSendReachesTheHandlerOnItsContextInOrderAndNothingOnceItsVerticleIsGone() throws Exception {
        LocalParties parties = LocalParties.of(vertx);
        assertThat(LocalParties.of(vertx)).isSameAs(parties);
        List<Object> got = new CopyOnWriteArrayList<>();
        List<Context> on = new CopyOnWriteArrayList<>();
        Context[] partyContext = new Context[1];
        String deployment = vertx.deployVerticle(new AbstractVerticle() {
            @Override
            public void start() {
                partyContext[0] = context;
                MessageConsumer<Object> consumer = vertx.eventBus().consumer("party.p1", m -> { });
                parties.add("party.p1", context, consumer, m -> {
                    got.add(m.body());
                    on.add(Vertx.currentContext());
                    m.reply("ignored: a send has no reply address");
                });
            }
        }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        for (int i = 0; i < 1000; i++) {
            assertThat(parties.send("party.p1", i)).isTrue();
        }
        assertThat(parties.send("party.other", "x")).as("not a party here: the event bus's").isFalse();
        org.awaitility.Awaitility.await().until(() -> got.size() == 1000);
        assertThat(got).isEqualTo(java.util.stream.IntStream.range(0, 1000).boxed().toList());
        assertThat(on).containsOnly(partyContext[0]);

        // Undeployed without closing its party: Vert.x removes the consumer, and sends reach nothing.
        vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        parties.send("party.p1", "after");
        Thread.sleep(200);
        assertThat(got).hasSize(1000);

        parties.remove("party.p1");
        assertThat(parties.send("party.p1", "x")).isFalse();
    }
}

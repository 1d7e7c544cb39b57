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

/**
 * Sends to a party on this node are handed to it on its context, in order, and stop when its consumer goes; a
 * request (from another node) is handed over the same way and answered once, a party gone answers "no handlers".
 */
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

    @Test
    void aRequestIsAnsweredOnceAndAPartyGoneOrThrowingFailsItAtOnce() throws Exception {
        LocalParties parties = LocalParties.of(vertx);
        List<Object> answers = new CopyOnWriteArrayList<>();
        LocalParties.Answer answer = recording(answers);
        String deployment = vertx.deployVerticle(new AbstractVerticle() {
            @Override
            public void start() {
                MessageConsumer<Object> consumer = vertx.eventBus().consumer("party.r1", m -> { });
                parties.add("party.r1", context, consumer, m -> {
                    switch ((String) m.body()) {
                        case "echo" -> {
                            m.reply("echo");
                            m.reply("a second answer is dropped");
                        }
                        case "refuse" -> m.fail(7, "refused");
                        case "later" -> vertx.setTimer(20, t -> m.reply("later"));
                        default -> throw new IllegalStateException("the handler broke");
                    }
                });
            }
        }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(parties.request("party.other", "echo", 10_000, answer)).as("not a party here: the event bus's")
            .isFalse();
        for (String body : List.of("echo", "refuse", "later", "throw")) {
            int before = answers.size();
            assertThat(parties.request("party.r1", body, 10_000, answer)).isTrue();
            org.awaitility.Awaitility.await().until(() -> answers.size() > before);
        }
        Thread.sleep(100); // room for a second answer, which must not come
        assertThat(answers).containsExactly("reply echo on true", "fail RECIPIENT_FAILURE 7 refused",
            "reply later on true",
            "fail RECIPIENT_FAILURE -1 java.lang.IllegalStateException: the handler broke");

        // Its verticle undeployed: Vert.x removed the consumer; a request fails as "no handlers" at once, as the
        // event bus answers it (an exchange then gives the work to another party).
        vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        answers.clear();
        assertThat(parties.request("party.r1", "echo", 10_000, answer)).isTrue();
        org.awaitility.Awaitility.await().until(() -> !answers.isEmpty());
        assertThat(answers).containsExactly("fail NO_HANDLERS -1 No handlers for address party.r1");
    }

    /**
     * A request looked up just before its party's verticle stops (a durable exchange stepping down as its leader
     * changes) reaches the party's context after the stop: it goes on the event bus, where another consumer of the
     * address (the exchange's stand-in, which answers "retry") takes it, instead of failing as "no handlers", which
     * a client reads as "no such exchange" (seen once in DurableTasksIT's leader kills).
     */
    @Test
    void aRequestWhosePartyStopsBeforeItArrivesGoesToTheEventBus() throws Exception {
        LocalParties parties = LocalParties.of(vertx);
        List<Object> answers = new CopyOnWriteArrayList<>();
        LocalParties.Answer answer = recording(answers);
        Context[] exchangeContext = new Context[1];
        MessageConsumer<Object>[] exchangeConsumer = new MessageConsumer[1];
        vertx.deployVerticle(new AbstractVerticle() {
            @Override
            public void start() {
                exchangeContext[0] = context;
                exchangeConsumer[0] = vertx.eventBus().consumer("exchange.d", m -> m.reply("exchange"));
                parties.add("exchange.d", context, exchangeConsumer[0], m -> m.reply("exchange"));
            }
        }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        exchangeContext[0].runOnContext(v -> {
            // Looked up, then the exchange stops on its own context before the request's turn comes, and a
            // stand-in takes the address.
            assertThat(parties.request("exchange.d", "work", 10_000, answer)).isTrue();
            parties.remove("exchange.d", exchangeConsumer[0]);
            exchangeConsumer[0].unregister();
            vertx.eventBus().consumer("exchange.d", m -> m.reply("stand-in: retry"));
            done.complete(null);
        });
        done.get(10, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().until(() -> !answers.isEmpty());
        Thread.sleep(50);
        assertThat(answers).containsExactly("reply stand-in: retry on true");
    }

    /**
     * A request whose party stopped before its turn waits on the event bus no longer than its caller does: a
     * stand-in that never answers fails it TIMEOUT at the caller's timeout, not at the event bus's default 30 s.
     */
    @Test
    void aRequestLeftToTheEventBusKeepsTheCallersTimeout() throws Exception {
        LocalParties parties = LocalParties.of(vertx);
        List<Object> answers = new CopyOnWriteArrayList<>();
        LocalParties.Answer answer = recording(answers);
        Context context = vertx.getOrCreateContext();
        MessageConsumer<Object> gone = vertx.eventBus().consumer("exchange.t", m -> { });
        parties.add("exchange.t", context, gone, m -> m.reply("exchange"));
        gone.unregister().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.eventBus().consumer("exchange.t", m -> { }); // a stand-in that keeps every request
        long start = System.nanoTime();
        assertThat(parties.request("exchange.t", "work", 300, answer)).isTrue();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !answers.isEmpty());
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(answers).hasSize(1);
        assertThat((String) answers.get(0)).startsWith("fail TIMEOUT");
        assertThat(tookMs).as("failed at the caller's 300 ms, not the event bus's 30 s").isBetween(250L, 5_000L);
    }

    /** An answer that records each reply (and whether it came on an event loop) and each failure. */
    private static LocalParties.Answer recording(List<Object> answers) {
        return new LocalParties.Answer() {
            @Override
            public void reply(Object body) {
                answers.add("reply " + body + " on " + Thread.currentThread().getName().startsWith("vert.x-eventloop"));
            }

            @Override
            public void fail(io.vertx.core.eventbus.ReplyException failure) {
                answers.add("fail " + failure.failureType() + " " + failure.failureCode() + " " + failure.getMessage());
            }
        };
    }

    @Test
    void aConsumerRemovesItsAddressOnlyWhileItIsStillItsOwn() {
        LocalParties parties = LocalParties.of(vertx);
        MessageConsumer<Object> old = vertx.eventBus().consumer("exchange.x", m -> { });
        MessageConsumer<Object> newer = vertx.eventBus().consumer("exchange.x", m -> { });
        Context context = vertx.getOrCreateContext();
        parties.add("exchange.x", context, old, m -> { });
        parties.add("exchange.x", context, newer, m -> { }); // a new instance started before the old one stopped
        parties.remove("exchange.x", old);
        assertThat(parties.send("exchange.x", "x")).as("the newer one keeps it").isTrue();
        parties.remove("exchange.x", newer);
        assertThat(parties.send("exchange.x", "x")).isFalse();
    }
}

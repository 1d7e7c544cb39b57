package dev.messagingnode.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request within the node to a party goes to it without the event bus, is answered on the context that asked,
 * fails as the event bus would (its failure code, "no handlers" for a party gone, "timeout" by one sweep), and what
 * the event bus would copy is copied.
 */
class LocalRequestsTest {

    private final Vertx vertx = Vertx.vertx();
    private final List<String> onTheEventBus = new CopyOnWriteArrayList<>();
    private String deployment;

    @BeforeEach
    void party() throws Exception {
        vertx.eventBus().addOutboundInterceptor(dc -> {
            onTheEventBus.add(dc.message().address());
            dc.next();
        });
        deployment = vertx.deployVerticle(new AbstractVerticle() {
            @Override
            public void start() {
                MessageConsumer<Object> consumer = vertx.eventBus().consumer("party.q1", m -> { });
                LocalParties.of(vertx).add("party.q1", context, consumer, m -> {
                    Object body = m.body();
                    if (body instanceof Buffer b) {
                        Buffer answer = Buffer.buffer("got ").appendBuffer(b);
                        m.reply(answer);
                        answer.appendString(" and changed after the reply"); // the requester must not see it
                        b.appendString(" changed by the party"); // nor the requester's own buffer change
                    } else if ("refuse".equals(body)) {
                        m.fail(42, "refused");
                    } else if ("silent".equals(body)) {
                        // never answers
                    } else {
                        m.reply("echo " + body);
                    }
                });
            }
        }).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private Throwable failureOf(Future<?> f) throws Exception {
        CompletableFuture<Throwable> t = new CompletableFuture<>();
        f.onComplete(ar -> t.complete(ar.cause()));
        return t.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRequestToAPartyIsAnsweredOnTheAskingContextWithoutTheEventBus() throws Exception {
        LocalRequests requests = LocalRequests.of(vertx);
        assertThat(LocalRequests.of(vertx)).isSameAs(requests);
        for (int i = 0; i < 20; i++) {
            Context asking = vertx.getOrCreateContext();
            CompletableFuture<String> answered = new CompletableFuture<>();
            String body = "hello " + i;
            asking.runOnContext(v -> requests.request("party.q1", body, 1000).onComplete(ar ->
                answered.complete((Vertx.currentContext() == asking) + " " + ar.result())));
            assertThat(answered.get(10, TimeUnit.SECONDS)).isEqualTo("true echo hello " + i);
        }
        assertThat(onTheEventBus).isEmpty();
        assertThat(requests.pendingCount()).isZero();
    }

    @Test
    void buffersAreCopiedBothWaysAsTheEventBusCopiesThem() throws Exception {
        Buffer sent = Buffer.buffer("ACME");
        Object answer = await(LocalRequests.of(vertx).request("party.q1", sent, 1000));
        assertThat(answer.toString()).isEqualTo("got ACME");
        assertThat(sent.toString()).isEqualTo("ACME");
    }

    @Test
    void failuresAreTheEventBusFailures() throws Exception {
        LocalRequests requests = LocalRequests.of(vertx);
        ReplyException refused = (ReplyException) failureOf(requests.request("party.q1", "refuse", 1000));
        assertThat(refused.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
        assertThat(refused.failureCode()).isEqualTo(42);
        assertThat(refused.getMessage()).isEqualTo("refused");

        long start = System.nanoTime();
        ReplyException timedOut = (ReplyException) failureOf(requests.request("party.q1", "silent", 200));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(timedOut.failureType()).isEqualTo(ReplyFailure.TIMEOUT);
        assertThat(timedOut.getMessage()).isEqualTo("timed out after 200ms waiting for party.q1");
        assertThat(tookMs).as("one sweep for all requests: at most a few sweeps late")
            .isBetween(200L, 200L + 10 * LocalRequests.SWEEP_MS);
        assertThat(requests.pendingCount()).isZero();

        // Not a party: the event bus answers, as before (here: nobody listens).
        ReplyException nobody = (ReplyException) failureOf(requests.request("nobody.here", "x", 1000));
        assertThat(nobody.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
        vertx.eventBus().consumer("plain.consumer", m -> m.reply("plain " + m.body()));
        assertThat(await(requests.request("plain.consumer", "x", 1000))).isEqualTo("plain x");

        // The party's verticle undeployed: Vert.x removed its consumer, and a request fails at once, as the event
        // bus fails it (an exchange then gives the work to another party).
        vertx.undeploy(deployment).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        start = System.nanoTime();
        ReplyException gone = (ReplyException) failureOf(requests.request("party.q1", "x", 5000));
        assertThat(gone.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);
        assertThat(requests.pendingCount()).isZero();
    }
}

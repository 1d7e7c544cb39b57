package dev.messagingnode.rpc;

import static dev.messagingnode.testing.LocalNode.await;
import static dev.messagingnode.testing.LocalNode.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Registration;
import dev.messagingnode.testing.LocalNode;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestResponseTest {

    private final LocalNode node = new LocalNode();
    private final MessagingClient client = node.client;

    @AfterEach
    void close() {
        node.close();
    }

    private void exchange(String name, String... options) {
        node.create(name, RequestResponsePattern.NAME, options);
    }

    private Registration service(String exchange, io.vertx.core.Handler<ServiceRequest> handler) {
        Registration r = client.register(exchange, handler);
        await(r.attached());
        return r;
    }

    @Test
    void anAcceptedRequestGetsTheReplyWithItsTagUnchanged() {
        exchange("echo");
        service("echo", req -> req.reply(Buffer.buffer("re: " + req.message())));
        Promise<Reply> reply = Promise.promise();
        await(client.request("echo", "tag-42", Buffer.buffer("hi"), RequestOptions.DEFAULT, reply));
        Reply r = await(reply.future());
        assertThat(r.kind()).isEqualTo(Reply.Kind.MESSAGE);
        assertThat(r.tag()).isEqualTo("tag-42");
        assertThat(r.message().toString()).isEqualTo("re: hi");
        assertThat(r.envelope().exchange()).isEqualTo("echo");
    }

    @Test
    void headersReachTheService() {
        exchange("echo");
        service("echo", req -> req.reply(Buffer.buffer(req.envelope().headers().get("lang"))));
        Reply r = await(client.call("echo", "t", Buffer.buffer(), RequestOptions.DEFAULT.withHeader("lang", "fr")));
        assertThat(r.message().toString()).isEqualTo("fr");
    }

    @Test
    void aMissingExchangeIsRefusedAtOnce() {
        MessagingException e = awaitFailure(client.request("ghost", "t", Buffer.buffer(), RequestOptions.DEFAULT,
            ar -> { }));
        assertThat(e.failure()).isEqualTo(Failure.NO_SUCH_EXCHANGE);
        assertThat(e.detail()).contains("ghost");
    }

    @Test
    void aBadExchangeNameIsRefusedAsInvalid() {
        MessagingException e = awaitFailure(client.call("bad name", Buffer.buffer()));
        assertThat(e.failure()).isEqualTo(Failure.INVALID);
    }

    @Test
    void anExchangeWithoutServicesRefusesWithNoService() {
        exchange("lonely");
        MessagingException e = awaitFailure(client.call("lonely", Buffer.buffer()));
        assertThat(e.failure()).isEqualTo(Failure.NO_SERVICE);
        assertThat(e.detail()).contains("lonely");
    }

    @Test
    void aRequestOverMaxMessageBytesIsRefusedAsTooLarge() {
        exchange("small", RpcOptions.MAX_MESSAGE_BYTES, "10");
        service("small", req -> req.reply(req.message()));
        assertThat(await(client.call("small", Buffer.buffer("0123456789"))).message().length()).isEqualTo(10);
        MessagingException e = awaitFailure(client.call("small", Buffer.buffer("0123456789X")));
        assertThat(e.failure()).isEqualTo(Failure.TOO_LARGE);
        assertThat(e.detail()).contains("11 bytes").contains("max-message-bytes=10");
    }

    @Test
    void aReplyOverMaxMessageBytesFailsTheRequestAsTooLarge() {
        exchange("small", RpcOptions.MAX_MESSAGE_BYTES, "10");
        service("small", req -> req.reply(Buffer.buffer("a reply that is far too long")));
        MessagingException e = awaitFailure(client.call("small", Buffer.buffer("q")));
        assertThat(e.failure()).isEqualTo(Failure.TOO_LARGE);
    }

    @Test
    void requestsBeyondMaxInFlightAreRefusedAsOverCapacityAndTheAcceptedOnesStillComplete() {
        exchange("busy", RpcOptions.MAX_IN_FLIGHT, "2");
        List<ServiceRequest> held = new ArrayList<>();
        service("busy", held::add);
        Future<Reply> first = client.call("busy", Buffer.buffer("1"));
        Future<Reply> second = client.call("busy", Buffer.buffer("2"));
        await().until(() -> held.size() == 2);
        MessagingException e = awaitFailure(client.call("busy", Buffer.buffer("3")));
        assertThat(e.failure()).isEqualTo(Failure.OVER_CAPACITY);
        assertThat(e.detail()).contains("max-in-flight=2");
        held.forEach(r -> node.vertx.runOnContext(v -> r.reply(r.message())));
        assertThat(await(first).message().toString()).isEqualTo("1");
        assertThat(await(second).message().toString()).isEqualTo("2");
        // Capacity came back: the next request is accepted again.
        await(client.request("busy", "t", Buffer.buffer("4"), RequestOptions.DEFAULT, ar -> { }));
    }

    @Test
    void aClientRefusesRequestsBeyondItsOwnPendingBound() {
        exchange("held");
        service("held", req -> { });
        MessagingClient small = MessagingClient.create(node.vertx,
            new dev.messagingnode.client.MessagingClientOptions(2, Duration.ofSeconds(30)));
        Future<Reply> first = small.call("held", Buffer.buffer());
        Future<Reply> second = small.call("held", Buffer.buffer());
        await().until(() -> node.meters.find("messaging.requests.accepted").counter() != null
            && node.meters.find("messaging.requests.accepted").counter().count() == 2);
        MessagingException e = awaitFailure(small.call("held", Buffer.buffer()));
        assertThat(e.failure()).isEqualTo(Failure.OVER_CAPACITY);
        assertThat(e.detail()).contains("2 requests");
        await(small.close());
        assertThat(awaitFailure(first).failure()).isEqualTo(Failure.CANCELLED);
        assertThat(awaitFailure(second).failure()).isEqualTo(Failure.CANCELLED);
    }

    @Test
    void aServiceThatNeverAnswersTimesOutAtTheExchangeTimeout() {
        exchange("slow", RpcOptions.REQUEST_TIMEOUT, "200ms");
        service("slow", req -> { });
        MessagingException e = awaitFailure(client.call("slow", Buffer.buffer()));
        assertThat(e.failure()).isEqualTo(Failure.TIMED_OUT);
        assertThat(e.detail()).contains("200ms");
    }

    @Test
    void aRequestMaySetItsOwnTimeout() {
        exchange("slow", RpcOptions.REQUEST_TIMEOUT, "30s");
        service("slow", req -> { });
        long start = System.nanoTime();
        MessagingException e = awaitFailure(client.call("slow", "t", Buffer.buffer(),
            RequestOptions.timeout(Duration.ofMillis(100))));
        assertThat(e.failure()).isEqualTo(Failure.TIMED_OUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void requestsAreSpreadRoundRobinOverTheServices() {
        exchange("rr");
        Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
        for (String name : List.of("s1", "s2", "s3")) {
            service("rr", req -> {
                served.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
                req.reply(Buffer.buffer(name));
            });
        }
        for (int i = 0; i < 30; i++) {
            await(client.call("rr", Buffer.buffer()));
        }
        assertThat(served).containsOnlyKeys("s1", "s2", "s3");
        served.values().forEach(n -> assertThat(n.get()).isEqualTo(10));
    }

    @Test
    void aServiceThatThrowsYieldsServiceFailed() {
        exchange("broken");
        service("broken", req -> {
            throw new IllegalArgumentException("no such product");
        });
        MessagingException e = awaitFailure(client.call("broken", Buffer.buffer()));
        assertThat(e.failure()).isEqualTo(Failure.SERVICE_FAILED);
        assertThat(e.detail()).contains("IllegalArgumentException").contains("no such product");
    }

    @Test
    void aServiceThatFailsYieldsServiceFailedWithItsDetail() {
        exchange("picky");
        service("picky", req -> req.fail("out of stock"));
        MessagingException e = awaitFailure(client.call("picky", Buffer.buffer()));
        assertThat(e.failure()).isEqualTo(Failure.SERVICE_FAILED);
        assertThat(e.detail()).isEqualTo("out of stock");
    }

    /** A service living in a verticle of its own, to be undeployed without unregistering. */
    static final class ServiceVerticle extends AbstractVerticle {
        private final String exchange;
        private final String name;
        private Registration registration;

        ServiceVerticle(String exchange, String name) {
            this.exchange = exchange;
            this.name = name;
        }

        @Override
        public void start(Promise<Void> started) {
            registration = MessagingClient.create(vertx).register(exchange, req -> req.reply(Buffer.buffer(name)));
            registration.attached().onComplete(started);
        }
    }

    @Test
    void aServiceUndeployedWithoutUnregisteringIsSkippedAndThenRemoved() {
        exchange("svc", RpcOptions.PARTY_CHECK_INTERVAL, "50ms");
        String survivor = await(node.vertx.deployVerticle(new ServiceVerticle("svc", "survivor")));
        String doomed = await(node.vertx.deployVerticle(new ServiceVerticle("svc", "doomed")));
        await(node.vertx.undeploy(doomed));
        // Every request is served by the survivor: the vanished one is skipped, never a failure.
        for (int i = 0; i < 10; i++) {
            assertThat(await(client.call("svc", Buffer.buffer())).message().toString()).isEqualTo("survivor");
        }
        await(node.vertx.undeploy(survivor));
        // With no traffic at all, the exchange's check finds the last one gone too.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
            assertThat(awaitFailure(client.call("svc", Buffer.buffer())).failure()).isEqualTo(Failure.NO_SERVICE));
    }

    @Test
    void aRequestInFlightWhenItsServiceVanishesGoesToAnotherService() {
        exchange("svc", RpcOptions.PARTY_CHECK_INTERVAL, "1m");
        String doomed = await(node.vertx.deployVerticle(new ServiceVerticle("svc", "doomed")));
        await(node.vertx.undeploy(doomed));
        String other = await(node.vertx.deployVerticle(new ServiceVerticle("svc", "other")));
        // The check will not run for a minute: only dispatch can notice that "doomed" is gone.
        for (int i = 0; i < 4; i++) {
            assertThat(await(client.call("svc", Buffer.buffer())).message().toString()).isEqualTo("other");
        }
        await(node.vertx.undeploy(other));
    }

    @Test
    void waitingClientsAndServicesGetExchangeDownWhenTheExchangeIsDeleted() {
        exchange("doomed");
        List<Registration.State> states = new java.util.concurrent.CopyOnWriteArrayList<>();
        Registration r = service("doomed", req -> { });
        r.stateHandler(states::add);
        Future<Reply> waiting = client.call("doomed", Buffer.buffer());
        await().until(() -> node.meters.find("messaging.requests.accepted").counter() != null
            && node.meters.find("messaging.requests.accepted").counter().count() == 1);
        await(node.registry.delete("doomed"));
        MessagingException e = awaitFailure(waiting);
        assertThat(e.failure()).isEqualTo(Failure.EXCHANGE_DOWN);
        assertThat(e.detail()).contains("doomed");
        await().until(() -> r.state() == Registration.State.DETACHED);
        assertThat(states).contains(Registration.State.DETACHED);
        assertThat(r.detachedReason()).contains("exchange-down");
    }

    @Test
    void aServiceRegistersAgainByItselfWhenItsExchangeComesBack() {
        exchange("phoenix");
        Registration r = service("phoenix", req -> req.reply(Buffer.buffer("alive")));
        await(node.registry.delete("phoenix"));
        await().until(() -> r.state() == Registration.State.DETACHED);
        exchange("phoenix");
        await().until(() -> r.state() == Registration.State.ATTACHED);
        assertThat(await(client.call("phoenix", Buffer.buffer())).message().toString()).isEqualTo("alive");
    }

    @Test
    void aServiceStartedBeforeItsExchangeAttachesWhenItIsCreated() {
        Registration r = client.register("later", req -> req.reply(Buffer.buffer("here")));
        await().until(() -> r.state() == Registration.State.DETACHED);
        assertThat(r.attached().isComplete()).isFalse();
        exchange("later");
        await(r.attached());
        assertThat(await(client.call("later", Buffer.buffer())).message().toString()).isEqualTo("here");
    }

    @Test
    void anUnregisteredServiceGetsNoMoreWork() {
        exchange("once");
        Registration r = service("once", req -> req.reply(Buffer.buffer()));
        await(client.call("once", Buffer.buffer()));
        await(r.unregister());
        assertThat(r.state()).isEqualTo(Registration.State.CLOSED);
        assertThat(awaitFailure(client.call("once", Buffer.buffer())).failure()).isEqualTo(Failure.NO_SERVICE);
    }

    @Test
    void aClosedClientFailsItsWaitingRequestsWithCancelled() {
        exchange("slow");
        service("slow", req -> { });
        MessagingClient other = MessagingClient.create(node.vertx);
        Future<Reply> waiting = other.call("slow", Buffer.buffer());
        await().until(() -> node.meters.find("messaging.requests.accepted").counter() != null);
        await(other.close());
        assertThat(awaitFailure(waiting).failure()).isEqualTo(Failure.CANCELLED);
    }

    @Test
    void theExchangeCountsAcceptedRefusedAndAnsweredRequests() {
        exchange("counted");
        awaitFailure(client.call("counted", Buffer.buffer()));
        service("counted", req -> req.reply(Buffer.buffer()));
        await(client.call("counted", Buffer.buffer()));
        assertThat(node.meters.get("messaging.requests.refused").tag("reason", "NO_SERVICE").counter().count())
            .isEqualTo(1);
        assertThat(node.meters.get("messaging.requests.accepted").tag("exchange", "counted").counter().count())
            .isEqualTo(1);
        assertThat(node.meters.get("messaging.requests.answered").counter().count()).isEqualTo(1);
        assertThat(node.meters.get("messaging.request.latency").timer().count()).isEqualTo(1);
    }
}

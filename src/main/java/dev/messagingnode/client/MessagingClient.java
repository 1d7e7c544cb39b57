package dev.messagingnode.client;

import dev.messagingnode.exchange.AdminFrame;
import dev.messagingnode.exchange.Addresses;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.Frames;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Delivery;
import dev.messagingnode.exchange.Registration;
import dev.messagingnode.pubsub.PubSubClient;
import dev.messagingnode.pubsub.Subscription;
import dev.messagingnode.sink.SinkClient;
import dev.messagingnode.sink.SinkConsumer;
import dev.messagingnode.tasks.Task;
import dev.messagingnode.tasks.TasksClient;
import dev.messagingnode.rpc.Reply;
import dev.messagingnode.rpc.RequestOptions;
import dev.messagingnode.rpc.RequestTags;
import dev.messagingnode.rpc.RpcClient;
import dev.messagingnode.rpc.RpcService;
import dev.messagingnode.rpc.ServiceRequest;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The Java API of the node, for services and clients alike. Everything is asynchronous and every failure is a
 * {@link MessagingException} naming its {@link Failure}.
 *
 * <pre>{@code
 * MessagingClient client = MessagingClient.create(vertx);
 * client.register("quotes", req -> req.reply(Buffer.buffer("42")));
 * client.call("quotes", Buffer.buffer("price?")).onSuccess(r -> System.out.println(r.message()));
 * }</pre>
 *
 * A client created inside a verticle belongs to it: when the verticle is undeployed, its registrations and inbox
 * go with it, and exchanges notice the services gone.
 */
public final class MessagingClient {

    private static final DeliveryOptions ADMIN = new DeliveryOptions().setSendTimeout(30_000);

    private final Vertx vertx;
    private final RpcClient rpc;
    private final PubSubClient pubsub;
    private final SinkClient sink;
    private final TasksClient tasks;
    private final List<Registration> registrations = new ArrayList<>();

    private MessagingClient(Vertx vertx, MessagingClientOptions options) {
        this.vertx = vertx;
        Frames.install(vertx);
        this.rpc = new RpcClient(vertx, UUID.randomUUID().toString(), options.maxPendingRequests(),
            options.defaultTurnTimeout());
        rpc.start();
        this.pubsub = new PubSubClient(vertx);
        this.sink = new SinkClient(vertx);
        this.tasks = new TasksClient(vertx);
    }

    public static MessagingClient create(Vertx vertx) {
        return new MessagingClient(vertx, MessagingClientOptions.DEFAULT);
    }

    public static MessagingClient create(Vertx vertx, MessagingClientOptions options) {
        return new MessagingClient(vertx, options);
    }

    // ---- exchanges ------------------------------------------------------------------------------------------

    /** Creates an exchange on the node; the same definition twice is a no-op, another one a CONFLICT. */
    public Future<Void> createExchange(ExchangeDefinition definition) {
        return admin(new AdminFrame.Create(definition)).mapEmpty();
    }

    /** Deletes an exchange; everyone attached gets exchange-down. */
    public Future<Void> deleteExchange(String name) {
        return admin(new AdminFrame.Delete(name)).mapEmpty();
    }

    /** The definitions of the node's exchanges. */
    public Future<List<ExchangeDefinition>> exchanges() {
        return admin(new AdminFrame.List()).map(o -> ((AdminFrame.Listing) o).exchanges());
    }

    // ---- request-response -----------------------------------------------------------------------------------

    /**
     * Sends a request. The returned future completes at once when the exchange accepts it, or fails with the
     * refusal (NO_SUCH_EXCHANGE, NO_SERVICE, OVER_CAPACITY, TOO_LARGE, INVALID). Only an accepted request calls
     * {@code replyHandler}: once, with the service's answer carrying {@code tag}, or with the failure
     * (SERVICE_FAILED, TIMED_OUT, EXCHANGE_DOWN, NO_SERVICE).
     */
    public Future<Void> request(String exchange, String tag, Buffer message, RequestOptions options,
                                Handler<AsyncResult<Reply>> replyHandler) {
        return rpc.request(exchange, tag, message, options, replyHandler);
    }

    /** A request with a generated tag and default options, acceptance and answer in one future. */
    public Future<Reply> call(String exchange, Buffer message) {
        return call(exchange, RequestTags.generated(), message, RequestOptions.DEFAULT);
    }

    /** Acceptance and answer in one future. */
    public Future<Reply> call(String exchange, String tag, Buffer message, RequestOptions options) {
        Promise<Reply> reply = Promise.promise();
        rpc.request(exchange, tag, message, options, reply).onFailure(reply::tryFail);
        return reply.future();
    }

    /**
     * Registers a service on a request-response exchange. It waits for the exchange if it does not exist yet, and
     * registers again by itself whenever the exchange comes back after exchange-down.
     */
    public Registration register(String exchange, Handler<ServiceRequest> handler) {
        return track(RpcService.register(vertx, exchange, handler));
    }

    // ---- publish-subscribe ----------------------------------------------------------------------------------

    /**
     * Publishes to a pubsub exchange. Completes once routed, with the number of subscriptions that matched; fails
     * at once with NO_SUCH_EXCHANGE, TOO_LARGE or INVALID (a key with wildcards or bad characters).
     */
    public Future<Integer> publish(String exchange, String key, Buffer message) {
        return pubsub.publish(exchange, key, message, Map.of());
    }

    public Future<Integer> publish(String exchange, String key, Buffer message, Map<String, String> headers) {
        return pubsub.publish(exchange, key, message, headers);
    }

    /**
     * Fire-and-forget publish (NATS-core semantics): completes once handed to the transport, fails only for a bad
     * exchange name or key; what the exchange refuses is dropped unheard. The confirmed {@link #publish} is the
     * default for those who need to know.
     */
    public Future<Void> publishAndForget(String exchange, String key, Buffer message, Map<String, String> headers) {
        return pubsub.publishAndForget(exchange, key, message, headers);
    }

    /**
     * Subscribes to the messages of a pubsub exchange whose routing key matches {@code pattern} ('*' one word, '#'
     * zero or more); each delivery carries {@code tag}. Re-subscribes by itself after exchange-down.
     */
    public Subscription subscribe(String exchange, String pattern, String tag, Handler<Delivery> handler) {
        return track(pubsub.subscribe(exchange, pattern, tag, handler));
    }

    public Future<Void> unsubscribe(Subscription subscription) {
        return subscription.unregister();
    }

    // ---- sink (inverted publish-subscribe) ------------------------------------------------------------------

    /** Sends a message to a sink exchange; completes once the exchange holds it (see SinkClient#send). */
    public Future<Void> send(String exchange, Buffer message) {
        return sink.send(exchange, null, message, Map.of());
    }

    public Future<Void> send(String exchange, String tag, Buffer message, Map<String, String> headers) {
        return sink.send(exchange, tag, message, headers);
    }

    /** Consumes a sink: active if first, standby otherwise; batches are acknowledged when the handler returns. */
    public SinkConsumer consume(String exchange, Handler<List<Delivery>> handler) {
        return track(sink.consume(exchange, handler));
    }

    /**
     * Consumes a sink, acknowledging each batch only when the returned future succeeds (for consumers that finish
     * their work asynchronously); a batch never acknowledged goes to the next consumer when this one leaves.
     */
    public SinkConsumer consumeAcking(String exchange, java.util.function.Function<List<Delivery>, Future<Void>> handler) {
        return track(sink.consumeAcking(exchange, handler));
    }

    /** Removes a registration from this client's own list, after the caller unregistered it. */
    public void forget(Registration registration) {
        synchronized (registrations) {
            registrations.remove(registration);
        }
    }

    // ---- task distribution ----------------------------------------------------------------------------------

    /** Enqueues a task (priority 0..9, higher first); completes at once with its id, or fails with the refusal. */
    public Future<Long> enqueue(String exchange, Buffer task, int priority) {
        return tasks.enqueue(exchange, null, task, priority, Map.of());
    }

    public Future<Long> enqueue(String exchange, String tag, Buffer task, int priority, Map<String, String> headers) {
        return tasks.enqueue(exchange, tag, task, priority, headers);
    }

    /** Registers a worker holding at most {@code prefetchLimit} unacknowledged tasks. */
    public Registration work(String exchange, int prefetchLimit, Handler<Task> handler) {
        return track(tasks.work(exchange, prefetchLimit, handler));
    }

    private <R extends Registration> R track(R r) {
        synchronized (registrations) {
            registrations.add(r);
        }
        return r;
    }

    /** Unregisters every registration of this client and fails whatever still waits with CANCELLED. */
    public Future<Void> close() {
        List<Future<Void>> all = new ArrayList<>();
        synchronized (registrations) {
            registrations.forEach(r -> all.add(r.unregister()));
            registrations.clear();
        }
        all.add(rpc.close());
        return Future.join(all).mapEmpty();
    }

    private Future<Object> admin(AdminFrame frame) {
        return vertx.eventBus().request(Addresses.ADMIN, frame, ADMIN)
            .map(m -> m.body())
            .recover(t -> Future.failedFuture(MessagingException.from(t, Failure.NO_SUCH_EXCHANGE,
                "no messaging node runs on this Vert.x instance")));
    }
}

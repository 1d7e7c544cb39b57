package dev.messagingnode.tasks;

import dev.messagingnode.exchange.AttachedParty;
import dev.messagingnode.exchange.Attachment;
import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.ExchangeName;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Registration;
import dev.messagingnode.exchange.Transport;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.jboss.logging.Logger;

/** Enqueuing tasks and working on them. */
public final class TasksClient {

    private static final Logger LOG = Logger.getLogger(TasksClient.class);
    private static final long CONFIRM_MS = 10_000;

    private final Vertx vertx;

    public TasksClient(Vertx vertx) {
        this.vertx = vertx;
        TaskFrames.install(vertx);
    }

    /**
     * Enqueues a task with a priority from 0 to 9 (higher first). The future completes at once with the task id
     * when the exchange accepts it, or fails with the refusal: OVER_CAPACITY (max-queued reached), TOO_LARGE,
     * INVALID (priority), NO_SUCH_EXCHANGE.
     */
    public Future<Long> enqueue(String exchange, String tag, Buffer task, int priority, Map<String, String> headers) {
        try {
            ExchangeName.validate(exchange);
        } catch (MessagingException e) {
            return Future.failedFuture(e);
        }
        if (priority < 0 || priority > 9) {
            return MessagingException.failed(Failure.INVALID, "priority " + priority + " is outside 0..9");
        }
        TaskFrames.Enqueue frame = new TaskFrames.Enqueue(new Envelope(exchange, tag, task, headers), priority);
        Transport transport = Transport.of(vertx);
        String address = transport.exchangeAddress(exchange);
        return transport.request(address, frame, CONFIRM_MS).map(body -> (Long) body)
            .recover(t -> Future.failedFuture(address.indexOf('@') >= 0 && MessagingException.isNoHandlers(t)
                // The exchange was there, on a node that has just left (a leader killed, say): retryable.
                ? new MessagingException(Failure.EXCHANGE_DOWN, "the node that ran exchange '" + exchange + "' ("
                    + transport.nodeOf(address) + ") left the cluster; its replicas elect a new leader, retry")
                : MessagingException.from(t, Failure.NO_SUCH_EXCHANGE, "no exchange named '" + exchange + "'")));
    }

    /**
     * Registers a worker that holds at most {@code prefetchLimit} tasks at a time. The handler answers each task
     * with ack / nack / inProgress; a handler that throws nacks the task.
     */
    public Registration work(String exchange, int prefetchLimit, Handler<Task> handler) {
        String[] id = new String[1];
        Attachment attachment = new Attachment(vertx, exchange, TasksExchange.WORKER_ROLE,
            new JsonObject().put("prefetch", prefetchLimit), message -> {
                if (message.body() instanceof TaskFrames.Delivery d) {
                    Task task = new Task(vertx, id[0], d);
                    try {
                        handler.handle(task);
                    } catch (RuntimeException e) {
                        LOG.debugf(e, "worker on %s threw on task %d; nacking it", exchange, d.taskId());
                        task.nack();
                    }
                }
            }, true);
        id[0] = attachment.id();
        attachment.start();
        return new AttachedParty(attachment) { };
    }
}

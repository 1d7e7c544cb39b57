package dev.messagingnode.rpc;

import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;

/**
 * The requester's side of a chunked response: a {@link ReadStream} of the chunks in the order the service wrote
 * them. Chunks are credited back to the service only once the handler has taken them, so pausing the stream, or a
 * handler that calls {@link #pause()} while it works, slows the service down.
 *
 * <p>Bound: at most {@code chunk-window} chunks wait here, since the service may not send more without credit; a
 * frame beyond twice that is refused with OVER_CAPACITY and ends the stream. {@link #cancel()} stops the service.
 * A stream that hears nothing from its service for twice the service's stream-idle-timeout (the service has
 * given up on it) is closed with TIMED_OUT, so an abandoned stream does not hold its chunks forever.
 *
 * <p>It lives on its client's inbox context; calls from other threads are moved there.
 */
public final class ChunkStream implements ReadStream<Buffer> {

    private final Context context;
    private final long requestId;
    private int maxBuffered;
    private final Runnable onClose;
    private final ArrayDeque<Message<ChunkFrame>> buffered = new ArrayDeque<>();
    private final Promise<Void> completion = Promise.promise();
    private long demand = Long.MAX_VALUE;
    private long lastHeardNanos = System.nanoTime();
    private long idleLimitNanos = Long.MAX_VALUE;
    private boolean delivering;
    private boolean closed;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;

    ChunkStream(Context context, long requestId, Runnable onClose) {
        this.context = context;
        this.requestId = requestId;
        this.onClose = onClose;
    }

    /** A frame from the service, in order. */
    void onFrame(Message<ChunkFrame> message) {
        if (closed) {
            MessagingException.failReply(message, Failure.CANCELLED, "stream " + requestId + " is closed");
            return;
        }
        lastHeardNanos = System.nanoTime();
        idleLimitNanos = 2 * message.body().idleTimeoutMs() * 1_000_000L;
        maxBuffered = Math.max(maxBuffered, 2 * message.body().window());
        if (buffered.size() >= maxBuffered) {
            MessagingException.failReply(message, Failure.OVER_CAPACITY,
                "the service sent more than " + maxBuffered + " chunks without credit");
            close(new MessagingException(Failure.OVER_CAPACITY, "service ignored the credit window"));
            return;
        }
        buffered.add(message);
        deliver();
    }

    /** Stops the stream: the service's next write fails with CANCELLED. */
    public void cancel() {
        if (elsewhere(this::cancel)) {
            return;
        }
        close(new MessagingException(Failure.CANCELLED, "the requester cancelled the stream"));
    }

    /** Completes after the last chunk, fails when the stream fails or is cancelled. */
    public Future<Void> completion() {
        return completion.future();
    }

    @Override
    public ChunkStream handler(Handler<Buffer> handler) {
        if (elsewhere(() -> handler(handler))) {
            return this;
        }
        this.handler = handler;
        deliver();
        return this;
    }

    @Override
    public ChunkStream pause() {
        if (elsewhere(this::pause)) {
            return this;
        }
        demand = 0;
        return this;
    }

    @Override
    public ChunkStream resume() {
        return fetch(Long.MAX_VALUE);
    }

    @Override
    public ChunkStream fetch(long amount) {
        if (elsewhere(() -> fetch(amount))) {
            return this;
        }
        demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
        deliver();
        return this;
    }

    @Override
    public ChunkStream endHandler(Handler<Void> endHandler) {
        if (elsewhere(() -> endHandler(endHandler))) {
            return this;
        }
        this.endHandler = endHandler;
        return this;
    }

    @Override
    public ChunkStream exceptionHandler(Handler<Throwable> handler) {
        if (elsewhere(() -> exceptionHandler(handler))) {
            return this;
        }
        this.exceptionHandler = handler;
        return this;
    }

    /** Closes the stream when the service has been silent past its idle limit; called by the client's sweep. */
    void checkIdle(long now) {
        if (now - lastHeardNanos > idleLimitNanos) {
            close(new MessagingException(Failure.TIMED_OUT, "no word from the service of stream " + requestId
                + " for twice its stream-idle-timeout"));
        }
    }

    /** True, after scheduling the action on the stream's context, when called from elsewhere. */
    private boolean elsewhere(Runnable action) {
        if (Vertx.currentContext() == context) {
            return false;
        }
        context.runOnContext(v -> action.run());
        return true;
    }

    private void deliver() {
        if (delivering) {
            return; // a handler that resumes the stream must not recurse
        }
        delivering = true;
        try {
            while (!closed && !buffered.isEmpty() && handler != null) {
                Message<ChunkFrame> next = buffered.peek();
                ChunkFrame frame = next.body();
                if (frame.kind() == ChunkFrame.Kind.DATA) {
                    if (demand == 0) {
                        return;
                    }
                    buffered.poll();
                    if (demand != Long.MAX_VALUE) {
                        demand--;
                    }
                    handler.handle(frame.data());
                    next.reply(null);
                } else {
                    buffered.poll();
                    next.reply(null);
                    if (frame.kind() == ChunkFrame.Kind.END) {
                        finish();
                    } else {
                        close(new MessagingException(Failure.SERVICE_FAILED, frame.detail()));
                    }
                }
            }
        } finally {
            delivering = false;
        }
    }

    private void finish() {
        closed = true;
        onClose.run();
        // Handlers first, so that whoever waits on completion() sees them done.
        if (endHandler != null) {
            endHandler.handle(null);
        }
        completion.tryComplete();
    }

    /** Fails the stream here; chunks still held are refused so the service learns it at once. */
    void close(MessagingException cause) {
        if (elsewhere(() -> close(cause))) {
            return;
        }
        if (closed) {
            return;
        }
        closed = true;
        onClose.run();
        for (Message<ChunkFrame> m : buffered) {
            cause.failReply(m);
        }
        buffered.clear();
        if (exceptionHandler != null) {
            exceptionHandler.handle(cause);
        }
        completion.tryFail(cause);
    }
}

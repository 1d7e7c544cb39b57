package dev.messagingnode.rpc;

import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import dev.messagingnode.exchange.Transport;
import io.vertx.core.streams.WriteStream;
import java.util.ArrayDeque;

/**
 * The service's side of a chunked response: a {@link WriteStream} whose chunks go straight to the requester.
 *
 * <p>Back-pressure is credit: each chunk is an event-bus request that the requester answers only once its reader
 * has taken the chunk, and at most {@code chunk-window} chunks may be unanswered. Past that {@link #writeQueueFull()}
 * is true and the drain handler runs when credit returns, so {@code pipeTo} and hand-written loops slow down to
 * the reader's pace. A write's future completes when the reader has taken that chunk.
 *
 * <p>Bounds: writes beyond the window wait in a local queue of the same size; a write beyond that fails with
 * OVER_CAPACITY (the writer ignored {@link #writeQueueFull()}). A chunk over {@code max-chunk-bytes} fails with
 * TOO_LARGE. When no credit comes back within {@code stream-idle-timeout}, or the requester cancels or goes away,
 * the stream fails: pending writes fail and the exception handler gets CANCELLED or TIMED_OUT.
 *
 * <p>To a requester on another node a chunk is also held back while the way there is backlogged
 * ({@link Transport#backlogged}: 16 MiB sent there and not acknowledged yet), and sent when it has cleared: credit
 * says the requester took the chunks, not that this node has heard so, and a node that sent on at the pace of the
 * credits reached the route's bound, where messages are dropped. It waits in the queue as for credit.
 */
public final class ChunkedResponse implements WriteStream<Buffer> {

    private record Pending(ChunkFrame frame, Promise<Void> written) {
    }

    private final Vertx vertx;
    private final String inbox;
    private final long requestId;
    private final RpcOptions options;
    private final Transport transport;
    private final long idleMs;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int window;
    private int outstanding;
    private long seq;
    private boolean ending;
    private boolean lastFrameSent;
    private Promise<Void> ended;
    private MessagingException failure;
    private Handler<Throwable> exceptionHandler;
    private Handler<Void> drainHandler;
    private Runnable onFinished = () -> { };
    /** Waiting for the way to the requester's node to clear (see the class comment). */
    private boolean backlogged;
    private final io.vertx.core.Context context;

    /**
     * Bytes of chunks sent, per exchange. Chunks go straight to the requester, never through the exchange, so the
     * series lives in the process-wide registry (Quarkus binds its Prometheus registry there; elsewhere a no-op).
     */
    private final Counter chunkBytes;

    ChunkedResponse(Vertx vertx, String inbox, long requestId, RpcOptions options, String exchange) {
        this.vertx = vertx;
        this.inbox = inbox;
        this.requestId = requestId;
        this.options = options;
        this.window = options.chunkWindow();
        this.idleMs = options.streamIdleTimeout().toMillis();
        this.transport = Transport.of(vertx);
        this.context = vertx.getOrCreateContext();
        this.chunkBytes = Metrics.globalRegistry.counter("messaging.chunks.bytes", "exchange", exchange, "pattern",
            RequestResponsePattern.NAME);
    }

    /** Called once when the stream is over, whichever way (ended, failed, cancelled by the requester). */
    void onFinished(Runnable action) {
        this.onFinished = action;
    }

    /** The context the service writes on; work on the stream from elsewhere goes there. */
    io.vertx.core.Context context() {
        return context;
    }

    private void finished() {
        Runnable r = onFinished;
        onFinished = () -> { };
        r.run();
    }

    @Override
    public Future<Void> write(Buffer data) {
        if (failure != null) {
            return Future.failedFuture(failure);
        }
        if (ending) {
            return Future.failedFuture(new IllegalStateException("stream already ended"));
        }
        if (data.length() > options.maxChunkBytes()) {
            return MessagingException.failed(Failure.TOO_LARGE,
                "chunk of " + data.length() + " bytes exceeds max-chunk-bytes=" + options.maxChunkBytes());
        }
        if (queue.size() >= window) {
            return MessagingException.failed(Failure.OVER_CAPACITY, "chunk-window=" + window
                + " chunks are waiting for credit and as many are queued; wait for the drain handler");
        }
        chunkBytes.increment(data.length());
        Promise<Void> written = Promise.promise();
        ChunkFrame frame = new ChunkFrame(requestId, ChunkFrame.Kind.DATA, seq++, window, idleMs, data, null);
        queue.add(new Pending(frame, written));
        pump();
        return written.future();
    }

    @Override
    public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
        Future<Void> f = write(data);
        if (handler != null) {
            f.onComplete(handler);
        }
    }

    /** Ends the stream normally once every queued chunk is sent. */
    @Override
    public Future<Void> end() {
        if (ended == null) {
            ended = Promise.promise();
            ending = true;
            if (failure != null) {
                ended.fail(failure);
            } else {
                pump();
            }
        }
        return ended.future();
    }

    @Override
    public void end(Handler<AsyncResult<Void>> handler) {
        Future<Void> f = end();
        if (handler != null) {
            f.onComplete(handler);
        }
    }

    /** Ends the stream with an error frame: the requester's stream fails with SERVICE_FAILED and this detail. */
    public Future<Void> fail(String detail) {
        if (failure != null || ending) {
            return Future.failedFuture(new IllegalStateException("stream already ended"));
        }
        ending = true;
        lastFrameSent = true;
        ended = Promise.promise();
        for (Pending q : queue) {
            q.written().tryFail(new MessagingException(Failure.CANCELLED, "the service failed the stream"));
        }
        queue.clear();
        ChunkFrame error = new ChunkFrame(requestId, ChunkFrame.Kind.ERROR, seq++, window, idleMs, null, detail);
        transport.request(inbox, error, idleMs).<Void>mapEmpty().recover(t -> Future.succeededFuture())
            .onComplete(ended).onComplete(ar -> finished());
        return ended.future();
    }

    /** True once the requester cancelled, vanished or stopped reading past the idle timeout. */
    public boolean isFailed() {
        return failure != null;
    }

    @Override
    public ChunkedResponse exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        return this;
    }

    /** Sets the credit window (chunks in flight), within 1 and the exchange's chunk-window. */
    @Override
    public ChunkedResponse setWriteQueueMaxSize(int maxSize) {
        this.window = Math.max(1, Math.min(maxSize, options.chunkWindow()));
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return outstanding + queue.size() >= window;
    }

    @Override
    public ChunkedResponse drainHandler(Handler<Void> handler) {
        this.drainHandler = handler;
        return this;
    }

    private void pump() {
        while (failure == null && outstanding < window && !queue.isEmpty()) {
            if (backlogged || (backlogged = transport.backlogged(inbox, this::cleared))) {
                break;
            }
            Pending p = queue.poll();
            outstanding++;
            transport.request(inbox, p.frame(), idleMs).onComplete(ar -> credited(p, ar));
        }
        if (failure == null && ending && !lastFrameSent && queue.isEmpty() && outstanding == 0) {
            lastFrameSent = true;
            outstanding++;
            ChunkFrame end = new ChunkFrame(requestId, ChunkFrame.Kind.END, seq++, window, idleMs, null, null);
            transport.request(inbox, end, idleMs).onComplete(ar -> {
                outstanding--;
                if (ar.succeeded()) {
                    ended.tryComplete();
                    finished();
                } else {
                    streamFailed(ar.cause());
                }
            });
        }
    }

    /** The way to the requester's node has cleared (called on the thread that saw it). */
    private void cleared() {
        context.runOnContext(v -> {
            backlogged = false;
            pumpThenDrain(writeQueueFull());
        });
    }

    /** Sends what credit and the way allow; calls the drain handler when that made room in a queue that was full. */
    private void pumpThenDrain(boolean wasFull) {
        pump();
        if (wasFull && !writeQueueFull() && drainHandler != null && failure == null && !ending) {
            drainHandler.handle(null);
        }
    }

    private void credited(Pending p, AsyncResult<?> ar) {
        outstanding--;
        if (ar.failed()) {
            streamFailed(ar.cause());
            p.written().tryFail(failure);
            return;
        }
        p.written().tryComplete();
        pumpThenDrain(outstanding + queue.size() + 1 >= window);
    }

    private void streamFailed(Throwable cause) {
        if (failure != null) {
            return;
        }
        failure = MessagingException.from(cause, Failure.CANCELLED, "the requester went away");
        if (failure.failure() == Failure.TIMED_OUT) {
            failure = new MessagingException(Failure.TIMED_OUT, "no credit from the requester within stream-idle-timeout="
                + options.streamIdleTimeout().toMillis() + "ms");
        }
        for (Pending q : queue) {
            q.written().tryFail(failure);
        }
        queue.clear();
        if (ended != null) {
            ended.tryFail(failure);
        }
        if (exceptionHandler != null) {
            exceptionHandler.handle(failure);
        }
        finished();
    }
}

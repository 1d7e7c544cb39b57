package dev.messagingnode.http;

import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.remote.MessageJson;
import dev.messagingnode.rpc.ChunkStream;
import dev.messagingnode.rpc.Reply;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Writes a request-response reply as HTTP: a message as the body; a chunked response as a chunked-transfer body
 * (or SSE when the client accepts {@code text/event-stream}), paced by the client's reading; a question as the body
 * with the dialogue's link; the end of a dialogue as 204.
 */
final class ReplyWriter {

    static final String DIALOGUE = "Messaging-Dialogue";

    private ReplyWriter() {
    }

    static void write(RoutingContext rc, Reply reply, Dialogues dialogues, Duration stallTimeout, Context http) {
        HttpServerResponse response = rc.response();
        if (reply.tag() != null) {
            response.putHeader(Bodies.TAG, reply.tag());
        }
        switch (reply.kind()) {
            case MESSAGE -> {
                Bodies.writeHeaders(response, reply.envelope().headers());
                response.putHeader("Messaging-Reply", "message").end(reply.message());
            }
            case END -> response.putHeader("Messaging-Reply", "end").setStatusCode(204).end();
            case QUESTION -> {
                String id = dialogues.hold(reply);
                Bodies.writeHeaders(response, reply.envelope().headers());
                response.putHeader("Messaging-Reply", "question").putHeader(DIALOGUE, id)
                    .putHeader("Location", "/dialogues/" + id)
                    .putHeader("Link", "</dialogues/" + id + "/answer>; rel=\"answer\"")
                    .end(reply.message());
            }
            case STREAM -> {
                WriteStall stall = new WriteStall(rc.vertx(), response, stallTimeout, "chunked reply");
                if (acceptsEventStream(rc)) {
                    streamAsEvents(http, response, reply.stream(), stall);
                } else {
                    streamChunked(http, response, reply.stream(), stall);
                }
            }
        }
    }

    /** The chunks as a chunked-transfer body; a failure cuts the connection so the body is seen incomplete. */
    private static void streamChunked(Context http, HttpServerResponse response, ChunkStream stream,
                                      WriteStall stall) {
        response.setChunked(true).putHeader("Messaging-Reply", "stream")
            .putHeader("Content-Type", "application/octet-stream");
        pace(http, response, stream, stall, chunk -> chunk, response::end, t -> response.reset());
    }

    /** Each chunk as an SSE {@code chunk} event (JSON, body as text or base64), then {@code end} or {@code error}. */
    private static void streamAsEvents(Context http, HttpServerResponse response, ChunkStream stream,
                                       WriteStall stall) {
        response.setChunked(true).putHeader("Messaging-Reply", "stream").putHeader("Content-Type", "text/event-stream")
            .putHeader("Cache-Control", "no-cache");
        long[] seq = {0};
        pace(http, response, stream, stall,
            chunk -> Sse.event("chunk", String.valueOf(seq[0]), MessageJson.put(new JsonObject().put("seq", seq[0]++),
                chunk)),
            () -> response.end(Sse.event("end", null, new JsonObject().put("chunks", seq[0]))),
            t -> {
                MessagingException m = MessagingException.from(t, dev.messagingnode.exchange.Failure.SERVICE_FAILED,
                    "stream failed");
                response.end(Sse.event("error", null, Problems.of(m.failure(), m.detail(), null)));
            });
    }

    /**
     * Writes a stream into the response, one chunk at a time: the next chunk is fetched only once the last one is in
     * the connection's write queue and the queue has room, so a slow reader slows the service (no credit) and holds
     * at most the exchange's chunk window. Everything happens on the response's own event loop, where the write
     * queue's state is exact (a write from another thread is only queued, and the queue would look empty). A client
     * that goes away cancels the stream.
     */
    private static void pace(Context http, HttpServerResponse response, ChunkStream stream, WriteStall stall,
                             Function<Buffer, Buffer> frame, Runnable end, Consumer<Throwable> fail) {
        response.closeHandler(v -> stream.cancel());
        stream.pause();
        stream.handler(chunk -> http.runOnContext(v -> {
            response.write(frame.apply(chunk));
            fetchWhenWritable(response, stream, stall);
        }));
        stream.endHandler(v -> http.runOnContext(x -> end.run()));
        stream.exceptionHandler(t -> http.runOnContext(x -> {
            if (!response.closed()) {
                fail.accept(t);
            }
        }));
        stream.fetch(1);
    }

    private static void fetchWhenWritable(HttpServerResponse response, ChunkStream stream, WriteStall stall) {
        if (response.closed()) {
            return;
        }
        if (response.writeQueueFull()) {
            stall.full(() -> stream.fetch(1));
        } else {
            stream.fetch(1);
        }
    }

    static boolean acceptsEventStream(RoutingContext rc) {
        String accept = rc.request().getHeader("Accept");
        return accept != null && accept.contains("text/event-stream");
    }
}

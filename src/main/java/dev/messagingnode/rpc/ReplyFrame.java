package dev.messagingnode.rpc;

import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.FrameCodec;

/**
 * An answer for the client: a message, the start of a chunked stream, a question that opens (or continues) a
 * dialogue, the end of a dialogue, or a failure. Services send it to the exchange (first answer) or as the reply
 * to a dialogue answer; the exchange forwards first answers and failures to the client's inbox.
 *
 * @param address         for {@link Kind#QUESTION}: where the client sends its answer
 * @param answerTimeoutMs for {@link Kind#QUESTION}: how long the service waits for that answer
 */
public record ReplyFrame(long requestId, Kind kind, Envelope envelope, String address, long answerTimeoutMs,
                         Failure failure, String detail) {
    /**
     * Its wire form between nodes: add components only at the end (see {@link FrameCodec}). A failure this release
     * does not know (a code a newer release added) is read as SERVICE_FAILED with the code's name in its detail, so
     * the client still hears that the request failed, and why.
     */
    public static final FrameCodec<ReplyFrame> CODEC = FrameCodec.of(ReplyFrame.class,
        (f, out) -> out.int64(f.requestId()).name(f.kind()).record(f.envelope(), Envelope.CODEC).string(f.address())
            .int64(f.answerTimeoutMs()).name(f.failure()).string(f.detail()),
        in -> {
            long requestId = in.int64();
            Kind kind = in.name(Kind.class);
            Envelope envelope = in.record(Envelope.CODEC);
            String address = in.string();
            long answerTimeoutMs = in.int64();
            String failureName = in.string();
            String detail = in.string();
            Failure failure = failureName == null ? null : Failure.ofName(failureName);
            if (failure == null && failureName != null) {
                failure = Failure.SERVICE_FAILED;
                detail = failureName + " (a failure this node does not know): " + detail;
            }
            return new ReplyFrame(requestId, kind, envelope, address, answerTimeoutMs, failure, detail);
        });

    public enum Kind { MESSAGE, STREAM, QUESTION, END, FAILURE }

    static ReplyFrame message(long requestId, Envelope envelope) {
        return new ReplyFrame(requestId, Kind.MESSAGE, envelope, null, 0, null, null);
    }

    static ReplyFrame stream(long requestId, Envelope envelope) {
        return new ReplyFrame(requestId, Kind.STREAM, envelope, null, 0, null, null);
    }

    static ReplyFrame question(long requestId, Envelope envelope, String address, long answerTimeoutMs) {
        return new ReplyFrame(requestId, Kind.QUESTION, envelope, address, answerTimeoutMs, null, null);
    }

    static ReplyFrame end(long requestId, Envelope envelope) {
        return new ReplyFrame(requestId, Kind.END, envelope, null, 0, null, null);
    }

    static ReplyFrame failure(long requestId, Failure failure, String detail) {
        return new ReplyFrame(requestId, Kind.FAILURE, null, null, 0, failure, detail);
    }
}

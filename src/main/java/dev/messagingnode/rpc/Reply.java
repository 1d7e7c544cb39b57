package dev.messagingnode.rpc;

import dev.messagingnode.exchange.Envelope;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * What a client gets back for a request: a {@link Kind#MESSAGE}, a {@link Kind#STREAM} of chunks, a
 * {@link Kind#QUESTION} to answer (a dialogue), or {@link Kind#END} when the service ended a dialogue without a last
 * message. The envelope carries the client's tag unchanged.
 */
public final class Reply {

    public enum Kind { MESSAGE, STREAM, QUESTION, END }

    private final Kind kind;
    private final Envelope envelope;
    private final ChunkStream stream;
    private final ClientDialogue dialogue;
    private final String answerAddress;

    Reply(Kind kind, Envelope envelope, ChunkStream stream, ClientDialogue dialogue, String answerAddress) {
        this.kind = kind;
        this.envelope = envelope;
        this.stream = stream;
        this.dialogue = dialogue;
        this.answerAddress = answerAddress;
    }

    public Kind kind() {
        return kind;
    }

    public Envelope envelope() {
        return envelope;
    }

    public Buffer message() {
        return envelope.message();
    }

    public String tag() {
        return envelope.tag();
    }

    /** The chunks of a {@link Kind#STREAM} reply. */
    public ChunkStream stream() {
        if (kind != Kind.STREAM) {
            throw new IllegalStateException("a " + kind + " reply has no stream");
        }
        return stream;
    }

    /**
     * Answers a {@link Kind#QUESTION}; the future completes with the service's next turn, or fails (TIMED_OUT
     * when the service does not answer in time, ENDED or TIMED_OUT when the dialogue is already over).
     */
    public Future<Reply> answer(Buffer message) {
        return questionDialogue().answer(answerAddress, envelope.reply(message));
    }

    /** Ends the dialogue from the client's side; the service's pending {@code ask} fails with ENDED. */
    public Future<Void> end() {
        return questionDialogue().end(answerAddress);
    }

    /**
     * For a dialogue: completes when it ends normally, fails with TIMED_OUT when the service gave up waiting for an
     * answer, so a client that walked away learns it too.
     */
    public Future<Void> dialogueClosed() {
        if (dialogue == null) {
            throw new IllegalStateException("a " + kind + " reply is not part of a dialogue");
        }
        return dialogue.closed();
    }

    private ClientDialogue questionDialogue() {
        if (kind != Kind.QUESTION) {
            throw new IllegalStateException("only a question can be answered or ended; this reply is a " + kind);
        }
        return dialogue;
    }
}

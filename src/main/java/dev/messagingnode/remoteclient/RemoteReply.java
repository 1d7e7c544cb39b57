package dev.messagingnode.remoteclient;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A service's answer to a request: a message, a question (a dialogue: {@link #answer} it or {@link #end} it), a
 * stream of chunks, or the end of a dialogue.
 */
public final class RemoteReply extends Carried {

    public enum Kind { MESSAGE, QUESTION, STREAM, END }

    private final RemoteClient client;
    private final Kind kind;
    private final ChunkStream stream;

    RemoteReply(RemoteClient client, Map<String, Object> body, ChunkStream stream) {
        super(body);
        this.client = client;
        this.kind = Kind.valueOf(String.valueOf(body.get("kind")).toUpperCase(java.util.Locale.ROOT));
        this.stream = stream;
    }

    public Kind kind() {
        return kind;
    }





    /** A question's answer: the service's next turn. */
    public CompletableFuture<RemoteReply> answer(byte[] message) {
        return client.answer(dialogue(), message);
    }

    /** Ends the dialogue this question belongs to. */
    public CompletableFuture<Void> end() {
        return client.endDialogue(dialogue());
    }

    /** A stream's end: how many chunks it had; failed with the service's failure when it broke off. */
    public CompletableFuture<Long> streamEnd() {
        requireStream();
        return stream.end();
    }

    /** A stream's chunks, collected, when the request gave no chunk handler. */
    public CompletableFuture<List<byte[]>> chunks() {
        requireStream();
        return stream.collected();
    }

    private String dialogue() {
        if (kind != Kind.QUESTION) {
            throw new IllegalStateException("a " + kind + " reply is not a question");
        }
        return Fields.text(body, "dialogue");
    }

    private void requireStream() {
        if (kind != Kind.STREAM) {
            throw new IllegalStateException("a " + kind + " reply is not a stream");
        }
    }
}

package dev.messagingnode.remoteclient;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A service's answer to a request: a message, a question (a dialogue: {@link #answer} it or {@link #end} it), a
 * stream of chunks, or the end of a dialogue.
 */
public final class RemoteReply {

    public enum Kind { MESSAGE, QUESTION, STREAM, END }

    private final RemoteClient client;
    private final Kind kind;
    private final Map<String, Object> body;
    private final ChunkStream stream;

    RemoteReply(RemoteClient client, Map<String, Object> body, ChunkStream stream) {
        this.client = client;
        this.body = body;
        this.kind = Kind.valueOf(String.valueOf(body.get("kind")).toUpperCase(java.util.Locale.ROOT));
        this.stream = stream;
    }

    public Kind kind() {
        return kind;
    }

    /** The body of a message or a question (empty for a stream or an end). */
    public byte[] message() {
        return Fields.message(body);
    }

    public String text() {
        return new String(message(), StandardCharsets.UTF_8);
    }

    public Map<String, String> headers() {
        return Fields.headers(body);
    }

    public String tag() {
        return Fields.text(body, "tag");
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

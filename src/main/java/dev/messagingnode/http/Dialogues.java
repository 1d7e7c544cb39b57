package dev.messagingnode.http;

import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.rpc.Reply;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dialogues HTTP clients have open on this node: a service's question waiting for the client's answer, by id.
 * An entry leaves when the client answers or ends it, or when the dialogue closes (the service's answer-timeout).
 * Bound: {@code maxDialogues}; beyond it a new question is ended at once and the client gets OVER_CAPACITY.
 */
final class Dialogues {

    private final Map<String, Reply> open = new ConcurrentHashMap<>();
    private final int max;

    Dialogues(int max) {
        this.max = max;
    }

    String hold(Reply question) {
        if (open.size() >= max) {
            question.end();
            throw new MessagingException(Failure.OVER_CAPACITY, "this node already holds " + max
                + " open dialogues (messaging.http.max-dialogues); the dialogue was ended");
        }
        String id = UUID.randomUUID().toString();
        open.put(id, question);
        question.dialogueClosed().onComplete(ar -> open.remove(id, question));
        return id;
    }

    /** Takes the question out: each question is answered (or ended) once. */
    Reply take(String id) {
        Reply question = id == null ? null : open.remove(id);
        if (question == null) {
            throw new MessagingException(Failure.NOT_FOUND, "no open dialogue '" + id
                + "' on this node (answered already, ended, or timed out)");
        }
        return question;
    }
}

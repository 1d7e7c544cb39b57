package dev.messagingnode.rpc;

import dev.messagingnode.exchange.Envelope;

/** The client's turn in a dialogue: an answer to the service's question, or the end of the dialogue. */
public record AnswerFrame(Envelope envelope, boolean end) {
}

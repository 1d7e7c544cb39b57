package dev.messagingnode.exchange;

/**
 * Asks an exchange, on one of its hosting nodes, for everything a person looks at: the answer is a JSON object
 * with its parties one by one, its series and activity counts ({@link ExchangeMeters#snapshot}), the pattern's
 * own state and its last refusals. {@code GET /exchanges?detail=true} asks every host; a node of the release
 * before this frame answers it with a failure, which blanks only that node's figures.
 */
public record DetailFrame(String exchange) {
}

package dev.messagingnode.cluster;

import io.vertx.core.buffer.Buffer;

/** A payload another member sent on a topic. */
public record ClusterMessage(String from, String topic, Buffer payload) {
}

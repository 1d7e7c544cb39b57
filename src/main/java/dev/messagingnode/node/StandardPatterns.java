package dev.messagingnode.node;

import dev.messagingnode.exchange.Patterns;
import dev.messagingnode.pubsub.PubSubPattern;
import dev.messagingnode.rpc.RequestResponsePattern;
import dev.messagingnode.sink.SinkPattern;
import dev.messagingnode.tasks.TasksPattern;

/** The patterns every node offers. */
public final class StandardPatterns {

    private StandardPatterns() {
    }

    public static Patterns all() {
        return Patterns.of(new RequestResponsePattern(), new PubSubPattern(), new SinkPattern(), new TasksPattern());
    }
}

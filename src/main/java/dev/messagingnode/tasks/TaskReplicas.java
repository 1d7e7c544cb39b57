package dev.messagingnode.tasks;

import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.LocalCodec;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's copies of the tasks that owners on other nodes have accepted, by exchange. An owner replicates each
 * task here before it answers "accepted" and drops it once acked or dead-lettered, so that when the owner dies the
 * node that takes the exchange over starts with every task still owed (DESIGN: "replicated before accepted").
 * Bounded by what owners hold: an owner holds at most max-queued waiting tasks plus what its workers hold.
 */
public final class TaskReplicas implements Shareable {

    /** Where owners on other nodes send {@link Frames}. */
    public static final String ADDRESS = "messaging.tasks.replicas";

    /** A copy of one task. */
    record Copy(long id, Envelope envelope, int priority) {
    }

    /** What owners tell replicas. */
    static final class Frames {
        private Frames() {
        }

        record Add(String exchange, long id, Envelope envelope, int priority) {
        }

        record Remove(String exchange, long id) {
        }

        record Clear(String exchange) {
        }
    }

    private final Map<String, Map<Long, Copy>> byExchange = new ConcurrentHashMap<>();

    /** The replicas of this Vert.x instance, listening on {@link #ADDRESS} once {@link #install} ran. */
    static TaskReplicas of(Vertx vertx) {
        return vertx.sharedData().<String, TaskReplicas>getLocalMap(ADDRESS).computeIfAbsent("replicas",
            k -> new TaskReplicas());
    }

    static void install(Vertx vertx) {
        LocalCodec.register(vertx.eventBus(), Frames.Add.class, Frames.Remove.class, Frames.Clear.class);
        TaskReplicas replicas = of(vertx);
        vertx.eventBus().consumer(ADDRESS, m -> {
            Object body = m.body();
            if (body instanceof Frames.Add a) {
                replicas.byExchange.computeIfAbsent(a.exchange(), k -> new ConcurrentHashMap<>())
                    .put(a.id(), new Copy(a.id(), a.envelope(), a.priority()));
            } else if (body instanceof Frames.Remove r) {
                Map<Long, Copy> copies = replicas.byExchange.get(r.exchange());
                if (copies != null) {
                    copies.remove(r.id());
                }
            } else if (body instanceof Frames.Clear c) {
                replicas.byExchange.remove(c.exchange());
            }
            m.reply(null);
        });
    }

    /** Takes this node's copies of an exchange's tasks, oldest first, to start from them as the new owner. */
    List<Copy> take(String exchange) {
        Map<Long, Copy> copies = byExchange.remove(exchange);
        List<Copy> out = copies == null ? new ArrayList<>() : new ArrayList<>(copies.values());
        out.sort(Comparator.comparingLong(Copy::id));
        return out;
    }
}

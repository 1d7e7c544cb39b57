package dev.messagingnode.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code messaging.durable.*}: the replica set that durable exchanges live on. Every key has an env-var form. */
@ConfigMapping(prefix = "messaging.durable")
public interface DurableConfig {

    /**
     * The node names (Raft ids) of the replica set, comma-separated: the same list on every replica (on Kubernetes
     * the StatefulSet's pod names). Alone, the node is its own replica set; in a cluster without it, durable exchanges
     * are refused (create them with {@code durable=false}, or name the replicas).
     */
    Optional<List<String>> members();

    /** Where the Raft log and snapshots live ({@code <data-dir>/<node-name>.log/}); relative to the working directory. */
    @WithDefault("data")
    String dataDir();

    /** The log is compacted into a snapshot once it holds this many bytes of commands. */
    @WithDefault("16777216")
    long maxLogBytes();

    /**
     * Enqueues are refused (OVER_CAPACITY) while the data directory's file system has less free than this; acks and
     * snapshots use what is left.
     */
    @WithDefault("67108864")
    long minFreeBytes();

    /** A command not committed within this is refused (NO_QUORUM): a majority is not answering. */
    @WithDefault("10s")
    Duration commitTimeout();
}

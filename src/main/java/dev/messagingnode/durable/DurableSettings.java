package dev.messagingnode.durable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The replica set this node belongs to.
 *
 * @param node          this node's name, its Raft id
 * @param members       every replica's name (this node among them, or it is a non-voting learner)
 * @param dataDir       where the log and snapshots live
 * @param maxLogBytes   a snapshot is taken once the log holds this many bytes
 * @param commitTimeout a command not committed within this is refused
 * @param minFreeBytes  enqueues are refused while the log's file system has less free than this: what is left is
 *                      for acks and snapshots, so that a full disk loses nothing already accepted
 */
public record DurableSettings(String node, List<String> members, Path dataDir, long maxLogBytes,
                              Duration commitTimeout, long minFreeBytes) {

    public DurableSettings(String node, List<String> members, Path dataDir, long maxLogBytes, Duration commitTimeout) {
        this(node, members, dataDir, maxLogBytes, commitTimeout, 64L << 20);
    }

    public DurableSettings {
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("messaging.durable.members is empty");
        }
    }

    /** The log's directory, as jgroups-raft's FileBasedLog names it. */
    public Path logDir() {
        return dataDir.resolve(node + ".log");
    }
}

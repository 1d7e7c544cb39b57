package dev.messagingnode.durable;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jgroups.protocols.raft.FileBasedLog;
import org.jgroups.protocols.raft.LogEntries;
import org.jgroups.protocols.raft.LogEntry;
import org.jgroups.protocols.raft.PersistentState;

/**
 * jgroups-raft's file log, made to fail loudly. As shipped it reads a log up to its first damaged entry and carries
 * on without the rest (a truncated or corrupt file silently loses committed commands), and an append that the
 * disk refuses is printed and ignored. This one checks the whole log and the snapshot when it opens (every
 * command's checksum, every committed entry present), and turns a failed append into an exception.
 *
 * <p>A damaged log stops a replica set of one at start, naming the file and what is wrong. A replica of a larger
 * set moves the damaged directory aside and starts empty: its leader sends it the log (or a snapshot), which is
 * Raft's own repair; the log says so.
 */
final class CheckedLog extends FileBasedLog {

    private static final Logger LOG = Logger.getLogger(CheckedLog.class);

    /** The log's directory, as {@link #init} was given it. */
    private Path dir;
    private volatile long snapshotBytes;
    /** The most of a snapshot written by one call (see {@link #setSnapshot}). */
    static final int SNAPSHOT_WRITE_BYTES = 256 * 1024;

    /** Opens the log of {@code settings}, checked, repaired from the others where it can be. */
    static CheckedLog open(DurableSettings settings, Ledger scratch) {
        Path dir = settings.logDir().toAbsolutePath();
        CheckedLog log = new CheckedLog();
        String damage;
        try {
            log.init(dir.toString(), Map.of());
            damage = log.damage(scratch);
        } catch (Exception e) {
            damage = "it cannot be opened: " + e;
        }
        if (damage == null) {
            return log;
        }
        log.close();
        if (settings.members().size() < 2) {
            throw new IllegalStateException("the durable log " + dir + " is damaged: " + damage + ". The node does"
                + " not start, so that nothing it holds is silently dropped: restore the directory from a backup, or"
                + " move it aside to start empty (its tasks are then lost)");
        }
        Path aside = dir.resolveSibling(dir.getFileName() + ".damaged-" + System.currentTimeMillis());
        try {
            Files.move(dir, aside);
        } catch (IOException e) {
            throw new IllegalStateException("the durable log " + dir + " is damaged (" + damage + ") and cannot be"
                + " moved aside: " + e, e);
        }
        LOG.warnf("durable: the log %s is damaged (%s); moved it to %s and starting empty: the leader of %s sends"
            + " this replica the log", dir, damage, aside, settings.members());
        CheckedLog fresh = new CheckedLog();
        try {
            fresh.init(dir.toString(), Map.of());
        } catch (Exception e) {
            throw new IllegalStateException("the durable log " + dir + " cannot be created: " + e, e);
        }
        return fresh;
    }

    /** What is wrong with the log as opened, or null when nothing is. */
    private String damage(Ledger scratch) {
        long first = Math.max(1, firstAppended());
        long last = lastAppended();
        long committed = commitIndex();
        ByteBuffer snapshot = getSnapshot();
        if (snapshot != null) {
            try {
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot.array(),
                    snapshot.arrayOffset() + snapshot.position(), snapshot.remaining()));
                new PersistentState().readFrom(in);
                scratch.readContentFrom(in);
            } catch (Exception e) {
                return "its snapshot state_snapshot.raft cannot be read (" + e.getMessage() + ")";
            }
        }
        if (last < committed) {
            return "entries " + (last + 1) + ".." + committed + " were committed but entries.raft ends, or is"
                + " unreadable, after entry " + last;
        }
        for (long i = snapshot != null ? first + 1 : first; i <= last; i++) {
            LogEntry e = get(i);
            if (e == null) {
                return "entry " + i + " of entries.raft cannot be read";
            }
            if (!e.internal() && e.command() != null && !Ledger.intact(e.command(), e.offset(), e.length())) {
                return "entry " + i + " of entries.raft fails its checksum";
            }
        }
        return null;
    }

    /**
     * Writes the snapshot whole, fsynced, and in place atomically, or throws (and the log is then not truncated).
     * FileBasedLog's own makes one write call, whose short count on a full disk goes unnoticed, and never fsyncs:
     * the log it replaces is truncated right after, so a short or unsynced snapshot loses what it should hold.
     */
    @Override
    public void setSnapshot(ByteBuffer snapshot) {
        Path target = dir.resolve("state_snapshot.raft");
        Path tmp = dir.resolve("state_snapshot.raft.tmp");
        try {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
                // A slice at a time: the JDK copies a heap buffer into a temporary direct buffer of its whole size for
                // each write, and keeps that buffer for the thread, so one write of a 32 MiB snapshot took 32 MiB of
                // direct memory (128 MiB in all with the README's -XX:MaxDirectMemorySize) and held it.
                ByteBuffer b = snapshot.duplicate();
                while (b.hasRemaining()) {
                    int n = Math.min(b.remaining(), SNAPSHOT_WRITE_BYTES);
                    ByteBuffer slice = b.slice().limit(n);
                    while (slice.hasRemaining()) {
                        ch.write(slice);
                    }
                    b.position(b.position() + n);
                }
                ch.force(true);
            }
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            try (java.nio.channels.FileChannel d = java.nio.channels.FileChannel.open(dir,
                java.nio.file.StandardOpenOption.READ)) {
                d.force(true); // the rename itself
            }
            snapshotBytes = snapshot.remaining();
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to free
            }
            LOG.errorf("durable: the snapshot could not be written to %s (%s); the log is kept whole", target, e);
            throw new UncheckedIOException(e);
        }
    }

    /** The size of the last snapshot written: a new one needs about as much free space. */
    long snapshotBytes() {
        return snapshotBytes;
    }


    @Override
    public void init(String logName, Map<String, String> args) throws Exception {
        dir = Path.of(logName);
        super.init(logName, args);
        Path snapshot = dir.resolve("state_snapshot.raft");
        if (Files.exists(snapshot)) {
            snapshotBytes = Files.size(snapshot);
        }
    }

    @Override
    public long append(long index, LogEntries entries) {
        long last = super.append(index, entries);
        if (entries.size() > 0 && last < index + entries.size() - 1) {
            // FileBasedLog prints the IOException (no space left, a read-only disk) and goes on as if written.
            throw new UncheckedIOException(new IOException("the durable log could not write entries " + index + ".."
                + (index + entries.size() - 1) + " (disk full or failing?)"));
        }
        return last;
    }
}

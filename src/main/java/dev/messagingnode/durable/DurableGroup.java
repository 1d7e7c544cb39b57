package dev.messagingnode.durable;

import dev.messagingnode.exchange.DurableState;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Patterns;
import dev.messagingnode.exchange.ReplicatedLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.View;
import org.jgroups.protocols.SHARED_LOOPBACK;
import org.jgroups.protocols.SHARED_LOOPBACK_PING;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.protocols.raft.ELECTION;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.protocols.raft.REDIRECT;
import org.jgroups.protocols.raft.Role;
import org.jgroups.raft.RaftHandle;
import org.jgroups.stack.Protocol;

/**
 * This node's member of its replica set: one Raft group (jgroups-raft's ELECTION, RAFT and REDIRECT on top of the
 * node's JGroups channel, or of a channel of its own when the node runs alone) whose state machine, the
 * {@link Ledger}, holds every durable exchange of the set. One log directory, one Raft thread, whatever the number
 * of durable exchanges.
 *
 * <p>The log is fsynced before a command counts as committed ({@code RAFT.log_use_fsync}); concurrent appends share
 * one write and one fsync (jgroups-raft batches what is queued). Only the leader appends exchange commands
 * ({@link #append}); definitions may be proposed from any replica ({@link #propose}, forwarded by REDIRECT).
 */
public final class DurableGroup implements ReplicatedLog {

    private static final Logger LOG = Logger.getLogger(DurableGroup.class);

    private final Vertx vertx;
    private final DurableSettings settings;
    private final Ledger ledger;
    private final Patterns patterns;
    private final RAFT raft;
    private final ELECTION election = new ELECTION();
    private final REDIRECT redirect = new REDIRECT();
    private final List<Runnable> roleListeners = new CopyOnWriteArrayList<>();
    private final Timer commits;
    /** 4096 in flight: under half of RAFT's processing queue (9182), the rest of it for the followers' answers. */
    private final AppendGate gate = new AppendGate(4096, 65_536);
    private final Counter leaderChanges;
    private RaftHandle handle;
    private volatile CheckedLog log;
    /** The free space last seen on the log's file system, looked at most every 100 ms (a statfs each). */
    private volatile long freeBytes = Long.MAX_VALUE;
    private volatile long freeCheckedAt;
    private JChannel ownChannel;

    public DurableGroup(Vertx vertx, DurableSettings settings, Patterns patterns, MeterRegistry meters) {
        this.vertx = vertx;
        this.settings = settings;
        this.ledger = new Ledger(patterns);
        this.patterns = patterns;
        this.raft = new RAFT().raftId(settings.node()).members(settings.members())
            .logDir(settings.dataDir().toAbsolutePath().toString()).logUseFsync(true)
            .maxLogSize(settings.maxLogBytes())
            // A replica that missed entries (it was down, or a new leader's log is ahead) is sent them on this
            // period; the default second made every failover wait about two of them before the new leader's first
            // command committed.
            .resendInterval(100);
        this.commits = Timer.builder("messaging.durable.commit")
            .description("From append to committed on a majority (fsynced) and applied here")
            .publishPercentiles(0.5, 0.99).register(meters);
        this.leaderChanges = Counter.builder("messaging.durable.role.changes")
            .description("Raft role changes of this node (leader, follower, learner)").register(meters);
        Gauge.builder("messaging.durable.waiting", gate, AppendGate::waiting)
            .description("commands waiting for a slot in the Raft group (at most 4096 are being committed at once)")
            .register(meters);
        Gauge.builder("messaging.durable.log.bytes", this, DurableGroup::logBytes)
            .description("Bytes of the Raft log and snapshot on disk").baseUnit("bytes").register(meters);
        Gauge.builder("messaging.durable.snapshot.age", this, DurableGroup::snapshotAgeSeconds)
            .description("Seconds since the snapshot on disk was written (-1: none yet)").baseUnit("seconds")
            .register(meters);
        Gauge.builder("messaging.durable.leader", this, g -> g.isLeader() ? 1 : 0)
            .description("1 while this node is the leader of its replica set").register(meters);
        Gauge.builder("messaging.durable.quorum", this, g -> g.hasQuorum() ? 1 : 0)
            .description("1 while this node reaches a majority of its replica set").register(meters);
    }

    /** The protocols that go on top of the node's JGroups stack, in order. */
    public List<Protocol> protocols() {
        return List.of(election, raft, redirect);
    }

    /**
     * Binds the Raft handle to the channel the protocols are in; before the channel connects. The log is opened
     * here, checked (see {@link CheckedLog}): a damaged one throws, naming the file and what is wrong.
     */
    public void attach(JChannel channel) {
        log = CheckedLog.open(settings, new Ledger(patterns));
        raft.log(log);
        handle = new RaftHandle(channel, ledger);
        raft.addRoleListener(this::roleChanged);
    }

    /** A node alone: its replica set of one, on a channel of its own that opens no socket. */
    public Future<Void> startAlone() {
        return vertx.executeBlocking(() -> {
            List<Protocol> stack = new ArrayList<>(List.of(new SHARED_LOOPBACK(), new SHARED_LOOPBACK_PING(),
                new NAKACK2(), new UNICAST3(), new STABLE(), new GMS().printLocalAddress(false)));
            stack.addAll(protocols());
            JChannel channel = new JChannel(stack.toArray(new Protocol[0])).name(settings.node());
            try {
                attach(channel);
            } catch (RuntimeException e) {
                channel.close();
                throw e;
            }
            try {
                channel.connect("durable-" + settings.node() + "-" + java.util.UUID.randomUUID());
            } catch (Exception e) {
                channel.close();
                throw unreadable(e);
            }
            ownChannel = channel;
            return null;
        });
    }

    /** What a log or snapshot that cannot be read stops the node with: the directory and the reason. */
    public IllegalStateException unreadable(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new IllegalStateException("the durable log in " + settings.logDir().toAbsolutePath()
            + " cannot be read: " + root + " (no task was dropped; repair or move the directory; a replica of a"
            + " replica set may start empty and be given the log by its leader)", e);
    }

    public Future<Void> stop() {
        JChannel c = ownChannel;
        return c == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
            c.close();
            return null;
        });
    }

    /** True when the log is fsynced before a command counts as committed (always: jgroups-raft's default is not to). */
    public boolean fsyncs() {
        return raft.logUseFsync();
    }

    public DurableSettings settings() {
        return settings;
    }

    Ledger ledger() {
        return ledger;
    }

    /** Called, on the Raft thread, whenever this node's role changes. */
    void onRoleChange(Runnable listener) {
        roleListeners.add(listener);
    }

    public boolean isLeader() {
        return raft.isLeader();
    }

    public long term() {
        return raft.currentTerm();
    }

    /** The leader's node name, or null while there is none. */
    public String leader() {
        Address a = raft.leader();
        return a == null ? null : String.valueOf(a);
    }

    /**
     * The replica set now: the configured members, changed by every addition and removal committed since (those are
     * entries of the log, so they hold across restarts).
     */
    public List<String> members() {
        return List.copyOf(raft.members());
    }

    /**
     * Adds a replica (like {@code rabbitmq-queues add_member}): a command of the log, forwarded to the leader; the new
     * node, started with this replica set in its {@code messaging.durable.members}, is sent the log by the leader.
     * Completes with the replica set once the change is committed.
     */
    public Future<List<String>> addMember(String name) {
        return changeMember(name, true);
    }

    /** Removes a replica: once committed, that node's log is not needed any more (stop it and delete its data). */
    public Future<List<String>> removeMember(String name) {
        return changeMember(name, false);
    }

    private Future<List<String>> changeMember(String name, boolean add) {
        return commit("the replica set", () -> add ? redirect.addServer(name) : redirect.removeServer(name))
            .map(committed -> {
                // A follower applies the change a moment later (when it learns the commit): say what the replica
                // set is now, not what this node has applied so far.
                List<String> now = new ArrayList<>(members());
                if (add && !now.contains(name)) {
                    now.add(name);
                } else if (!add) {
                    now.remove(name);
                }
                return List.copyOf(now);
            });
    }

    /** The replicas this node cannot see in its view. */
    public List<String> unreachable() {
        View view = handle == null ? null : handle.channel().getView();
        List<String> out = new ArrayList<>(members());
        if (view != null) {
            for (Address a : view.getMembers()) {
                out.remove(String.valueOf(a));
            }
        }
        return out;
    }

    public boolean hasQuorum() {
        return reachesMajority(members().size(), unreachable().size());
    }

    private static boolean reachesMajority(int replicas, int unreachable) {
        return replicas - unreachable >= replicas / 2 + 1;
    }

    /** "leader", "follower", "learner" (not a voting member) or "no-quorum", as readiness reports it. */
    public String role() {
        if (!members().contains(settings.node())) {
            return "learner";
        }
        if (!hasQuorum()) {
            return "no-quorum";
        }
        return isLeader() ? "leader" : leader() == null ? "electing" : "follower";
    }

    /** Why this node cannot commit for {@code exchange} now, for NO_QUORUM refusals. */
    public String whyNot(String exchange) {
        List<String> gone = unreachable();
        int n = members().size();
        if (!reachesMajority(n, gone.size())) {
            return gone.size() + " of " + n + " replicas of '" + exchange + "' unreachable from node "
                + settings.node() + " " + gone + "; a majority of " + (n / 2 + 1) + " is needed, nothing was accepted";
        }
        String leader = leader();
        if (leader == null) {
            return "the replicas of '" + exchange + "' are electing a leader; nothing was accepted, retry";
        }
        return leader.equals(settings.node())
            ? "node " + leader + " leads '" + exchange + "' and is starting it; nothing was accepted, retry"
            : "node " + leader + " leads '" + exchange + "', not node " + settings.node()
                + "; nothing was accepted, retry";
    }

    @Override
    public Future<byte[]> append(String exchange, byte[] command) {
        if (!raft.isLeader()) {
            return MessagingException.failed(Failure.NO_QUORUM, whyNot(exchange));
        }
        return submit(exchange, Ledger.exchange(exchange, command), true).compose(answer -> answer[0] == Ledger.OK
            ? Future.succeededFuture(java.util.Arrays.copyOfRange(answer, 1, answer.length))
            : MessagingException.failed(Failure.NO_SUCH_EXCHANGE, Ledger.detail(answer)));
    }

    @Override
    public String full() {
        String overloaded = gate.overloaded();
        if (overloaded != null) {
            return overloaded;
        }
        long now = System.nanoTime();
        if (now - freeCheckedAt > 100_000_000L) {
            freeCheckedAt = now;
            try {
                Path dir = settings.logDir();
                freeBytes = Files.getFileStore(Files.exists(dir) ? dir : settings.dataDir()).getUsableSpace();
            } catch (IOException e) {
                freeBytes = 0;
            }
        }
        long free = freeBytes;
        // The next snapshot needs about the last one's size on top of the reserve.
        CheckedLog l = log;
        long needed = settings.minFreeBytes() + (l == null ? 0 : l.snapshotBytes());
        return free >= needed ? null : "the durable log of node " + settings.node() + " has " + free
            + " bytes free on " + settings.logDir().toAbsolutePath() + ", under the " + needed + " it keeps free"
            + " (messaging.durable.min-free-bytes=" + settings.minFreeBytes() + " plus the last snapshot's size, for"
            + " acks and the next snapshot); nothing was accepted";
    }

    @Override
    public <T> T read(String exchange, Function<DurableState, T> reader) {
        return ledger.read(exchange, reader);
    }

    /** A command of the ledger itself (definitions, the leader's first command), from any replica. */
    Future<byte[]> propose(String exchange, byte[] command) {
        return submit(exchange, command, false);
    }

    private Future<byte[]> submit(String exchange, byte[] command, boolean leaderOnly) {
        return commit(exchange, () -> leaderOnly ? raft.setAsync(command, 0, command.length)
            : handle.setAsync(command, 0, command.length));
    }

    /**
     * Waits for a log entry that {@code append} started to commit (at most the commit timeout), back on the
     * caller's context, with the refusal mapped for {@code what} (an exchange's name, or the replica set).
     */
    private Future<byte[]> commit(String what, java.util.concurrent.Callable<CompletableFuture<byte[]>> append) {
        Context context = vertx.getOrCreateContext();
        Promise<byte[]> done = Promise.promise();
        long start = System.nanoTime();
        CompletableFuture<byte[]> f = gate.admit(append);
        f.orTimeout(settings.commitTimeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((answer, t) -> {
            commits.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            context.runOnContext(v -> {
                if (t == null) {
                    done.complete(answer);
                } else {
                    done.fail(failure(what, t));
                }
            });
        });
        return done.future();
    }

    private MessagingException failure(String exchange, Throwable t) {
        Throwable cause = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        if (cause instanceof TimeoutException) {
            return new MessagingException(Failure.NO_QUORUM, "not committed within "
                + settings.commitTimeout().toMillis() + " ms: " + whyNot(exchange)
                + " (the command may still commit later)");
        }
        if (cause instanceof IOException io) {
            return new MessagingException(Failure.EXCHANGE_DOWN, "the durable log of node " + settings.node()
                + " cannot be written (" + io.getMessage() + "); nothing was accepted");
        }
        if (!raft.isLeader() || cause instanceof org.jgroups.protocols.raft.RaftLeaderException) {
            return new MessagingException(Failure.NO_QUORUM, whyNot(exchange));
        }
        return new MessagingException(Failure.EXCHANGE_DOWN, "exchange '" + exchange + "': the log refused the"
            + " command: " + cause);
    }

    private void roleChanged(Role role) {
        leaderChanges.increment();
        LOG.infof("durable: node %s is now %s of replica set %s (term %d)", settings.node(),
            role.name().toLowerCase(java.util.Locale.ROOT), members(), raft.currentTerm());
        for (Runnable r : roleListeners) {
            r.run();
        }
    }

    private double logBytes() {
        try (Stream<Path> files = Files.walk(settings.logDir())) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private double snapshotAgeSeconds() {
        Path snapshot = settings.logDir().resolve("state_snapshot.raft");
        long at = ledger.snapshotWrittenAt();
        if (at == 0 && Files.exists(snapshot)) {
            at = snapshot.toFile().lastModified();
        }
        return at == 0 ? -1 : (System.currentTimeMillis() - at) / 1000.0;
    }
}

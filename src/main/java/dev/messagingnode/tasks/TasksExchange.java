package dev.messagingnode.tasks;

import dev.messagingnode.exchange.DeadLetterFrame;
import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.ExchangeContext;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangeVerticle;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.HeldBytes;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Party;
import dev.messagingnode.exchange.RegisterFrame;
import dev.messagingnode.exchange.ReplicatedLog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * A tasks exchange: a priority queue of tasks handed out round-robin to the workers that have free credit (their
 * prefetch limit), each delivery held until the worker acks it, nacks it, or lets its ack timeout pass.
 *
 * <p>A task that comes back (nacked, timed out, its worker gone) goes to the head of its priority and, where another
 * worker is registered, to another worker. After max-deliveries it goes to the dead-letter exchange with its
 * history. Ack timeouts are found by one periodic sweep over the deliveries in flight, not a timer per task.
 *
 * <p>A durable exchange (the default) runs only on the leader of its replica set and keeps what it owes in the Raft
 * log ({@link TaskLedger}): a task is added to the queue, and its producer told its id, only once its enqueue is
 * committed on a majority and fsynced; a worker's ack is answered once the ack is committed; deliveries, give-backs
 * (with their outcome and delay) and dead-lettering are logged as they happen, so that a new leader starts with
 * every task still owed and the deliveries each has had. A transient exchange ({@code durable=false}) keeps it all
 * in this verticle's memory.
 */
final class TasksExchange extends ExchangeVerticle {

    static final String WORKER_ROLE = "worker";
    private static final Logger LOG = Logger.getLogger(TasksExchange.class);
    /** How deep one dispatch looks past tasks that wait for a worker other than the one that has credit. */
    private static final int SCAN_LIMIT = 64;
    private static final int FINISHED_MEMORY = 10_000;

    private final TasksOptions options;
    private final TasksMetrics metrics;
    /** The replica set's log for a durable exchange; null for a transient one. */
    private final ReplicatedLog log;
    /** Enqueues appended to the log and not yet committed: they count against max-queued. */
    private int appending;
    /** This exchange's part of the node's held message bytes: its tasks and its enqueues being appended. */
    private HeldBytes.Share heldBytes;
    private final TaskQueue queue = new TaskQueue();
    private final PriorityQueue<PendingTask> delayed =
        new PriorityQueue<>((a, b) -> Long.compare(a.notBeforeNanos, b.notBeforeNanos));
    private final Map<Long, PendingTask> tasks = new HashMap<>();
    private final Map<String, Worker> workers = new HashMap<>();
    /**
     * The last tasks that were acked or dead-lettered, so that a late ack can be told exactly what happened; their
     * records, without messages ({@link PendingTask#finishedRecord}). Bounded: the oldest are forgotten past
     * {@link #FINISHED_MEMORY}.
     */
    private final Map<Long, PendingTask> finished = new java.util.LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, PendingTask> eldest) {
            return size() > FINISHED_MEMORY;
        }
    };
    private long nextId = 1;
    private int cursor;
    private long sweepTimer = -1;
    private long delayTimer = -1;
    private long delayTimerDue;

    /** A registered worker and the deliveries it holds. */
    private static final class Worker {
        final Party party;
        final int prefetch;
        final Set<Long> held = new LinkedHashSet<>();

        Worker(Party party, int prefetch) {
            this.party = party;
            this.prefetch = prefetch;
        }

        boolean hasCredit() {
            return held.size() < prefetch;
        }
    }

    TasksExchange(ExchangeDefinition definition, TasksOptions options, ExchangeContext context) {
        super(definition, context, options.partyCheckInterval());
        this.options = options;
        this.metrics = new TasksMetrics(meters);
        this.log = options.durable() ? context.log() : null;
        if (options.durable() && log == null) {
            throw new MessagingException(Failure.INVALID, "exchange '" + definition.name() + "' is durable but"
                + " this node has no replica set (messaging.durable.members)");
        }
    }

    /** Every task the exchange holds: queued, delayed and delivered but not yet acked. */
    @Override
    protected long depth() {
        return tasks.size();
    }

    /** A worker's held deliveries, its prefetch, and the time left on its earliest ack deadline (its lease). */
    @Override
    protected void describe(Party party, io.vertx.core.json.JsonObject into) {
        Worker w = workers.get(party.id());
        if (w == null) {
            return;
        }
        into.put("held", w.held.size()).put("prefetch", w.prefetch);
        long now = System.nanoTime();
        w.held.stream().map(tasks::get).filter(java.util.Objects::nonNull).mapToLong(t -> t.deadlineNanos - now)
            .min().ifPresent(left -> into.put("leaseMs", Math.max(0, left / 1_000_000)));
    }

    /** Tasks by state (queued, delayed, in flight) and the queued ones by priority, 0 to 9. */
    @Override
    protected void describeState(io.vertx.core.json.JsonObject into) {
        io.vertx.core.json.JsonArray byPriority = new io.vertx.core.json.JsonArray();
        for (int p = 0; p < TaskQueue.PRIORITIES; p++) {
            byPriority.add(queue.size(p));
        }
        into.put("queued", queue.size()).put("delayed", delayed.size())
            .put("inFlight", tasks.size() - queue.size() - delayed.size()).put("queuedByPriority", byPriority)
            .put("durable", log != null);
    }

    @Override
    public void start(Promise<Void> started) {
        TaskFrames.install(vertx);
        heldBytes = HeldBytes.of(vertx).share();
        restoreFromLog();
        metrics.gauges(queue, () -> tasks.size() - queue.size() - delayed.size(), delayed::size, workers::size);
        long sweepMs = Math.max(10, Math.min(1000, options.ackTimeout().toMillis() / 10));
        sweepTimer = vertx.setPeriodic(sweepMs, id -> sweepAckTimeouts());
        super.start(started);
    }

    @Override
    public void stop(Promise<Void> stopped) {
        vertx.cancelTimer(sweepTimer);
        vertx.cancelTimer(delayTimer);
        super.stop(stopped); // its onDown gives back what the exchange held
    }

    @Override
    protected void onRegister(RegisterFrame frame, Message<RegisterFrame> message) {
        requireRole(frame, WORKER_ROLE);
        int prefetch = frame.params().getInteger("prefetch", 1);
        if (prefetch < 1 || prefetch > options.maxPrefetch()) {
            throw new MessagingException(Failure.INVALID, "prefetch limit " + prefetch + " is outside 1.."
                + options.maxPrefetch() + " (max-prefetch of exchange '" + name() + "')");
        }
        Party party = Party.of(frame);
        Worker worker = new Worker(party, prefetch);
        Worker previous = workers.put(party.id(), worker);
        if (previous != null) {
            // The same worker registering again (its node saw the exchange's hosts change): it still holds its
            // deliveries, and its acks for them must still count.
            worker.held.addAll(previous.held);
        }
        parties.add(party);
        message.reply(new JsonObject().put("prefetch", prefetch));
        dispatch();
    }

    @Override
    protected void onMessage(Message<Object> message) {
        Object body = message.body();
        if (body instanceof TaskFrames.Settle s) {
            settle(s, message);
        } else if (body instanceof TaskFrames.Enqueue e) {
            enqueue(e.envelope(), e.priority(), message);
        } else if (body instanceof DeadLetterFrame d) {
            enqueue(d.envelope(), d.priority(), message);
        } else {
            throw unexpected(body);
        }
    }

    private void enqueue(Envelope envelope, int priority, Message<Object> message) {
        Failure refusal = null;
        String detail = null;
        if (priority < 0 || priority >= TaskQueue.PRIORITIES) {
            refusal = Failure.INVALID;
            detail = "priority " + priority + " is outside 0..9";
        } else if (envelope.message().length() > options.maxMessageBytes()) {
            refusal = Failure.TOO_LARGE;
            detail = "task of " + envelope.message().length() + " bytes exceeds max-message-bytes="
                + options.maxMessageBytes() + " of exchange '" + name() + "'";
        } else if (queue.size() + delayed.size() + appending >= options.maxQueued()) {
            refusal = Failure.OVER_CAPACITY;
            detail = "exchange '" + name() + "' already holds max-queued=" + options.maxQueued() + " waiting tasks";
        } else if (log != null && (detail = log.full()) != null) {
            refusal = Failure.OVER_CAPACITY;
        } else if (!heldBytes.tryHold(envelope.message().length())) { // the last check: a refusal above holds nothing
            refusal = Failure.OVER_CAPACITY;
            detail = heldBytes.refusal(envelope.message().length());
        }
        if (refusal != null) {
            metrics.refused(refusal, detail);
            MessagingException.failReply(message, refusal, detail);
            return;
        }
        Envelope own = new Envelope(name(), envelope.tag(), envelope.message(), envelope.headers());
        if (log == null) {
            accept(new PendingTask(nextId++, own, priority), message);
            return;
        }
        appending++;
        log.append(name(), TaskLedger.enqueue(own, priority)).onComplete(ar -> {
            appending--;
            if (ar.failed()) {
                heldBytes.release(own.message().length());
                MessagingException e = MessagingException.from(ar.cause(), Failure.EXCHANGE_DOWN, "log gone");
                metrics.refused(e.failure(), e.detail());
                e.failReply(message);
            } else if (isStopping()) {
                heldBytes.release(own.message().length());
                message.reply(TaskLedger.idOf(ar.result())); // committed: the next leader owes it
            } else {
                accept(new PendingTask(TaskLedger.idOf(ar.result()), own, priority), message);
            }
        });
    }

    private void accept(PendingTask task, Message<Object> message) {
        tasks.put(task.id, task);
        queue.add(task);
        metrics.enqueued.increment();
        message.reply(task.id);
        dispatch();
    }

    /** A leader that takes a durable exchange over starts with every task its log still owes, oldest first. */
    private void restoreFromLog() {
        if (log == null) {
            return;
        }
        List<PendingTask> owed = log.read(name(), s -> s instanceof TaskLedger l ? l.owed() : List.of());
        long now = System.currentTimeMillis();
        for (PendingTask task : owed) {
            tasks.put(task.id, task);
            heldBytes.hold(task.bytes()); // owed already: counted whatever the bound
            if (task.notBeforeMillis > now) {
                task.notBeforeNanos = System.nanoTime() + (task.notBeforeMillis - now) * 1_000_000L;
                delayed.add(task);
            } else {
                queue.add(task);
            }
        }
        armDelayTimer();
        if (!owed.isEmpty()) {
            LOG.infof("exchange %s: leading with %d task(s) from the log", name(), owed.size());
        }
    }

    /** Appends a command whose outcome nobody waits for: it is in order with every other command of this leader. */
    private void record(byte[] command) {
        if (log != null) {
            log.append(name(), command).onFailure(t -> LOG.debugf("exchange %s: a command was not committed: %s",
                name(), t.getMessage()));
        }
    }

    /** Hands out ready tasks while some worker has credit. */
    private void dispatch() {
        Worker[] chosen = new Worker[1];
        while (queue.size() > 0 && anyCredit()) {
            PendingTask task = queue.poll(t -> (chosen[0] = pickWorker(t)) != null, SCAN_LIMIT);
            if (task == null) {
                return; // the only worker with credit is one the waiting tasks avoid
            }
            deliver(task, chosen[0]);
        }
    }

    private boolean anyCredit() {
        for (Worker w : workers.values()) {
            if (w.hasCredit()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The next worker in round-robin order with free credit. A task that came back from a worker avoids that worker
     * while any other worker is registered, even one that is busy now: it waits for credit elsewhere.
     */
    private Worker pickWorker(PendingTask task) {
        List<Party> ring = parties.all();
        int n = ring.size();
        for (int k = 0; k < n; k++) {
            int idx = (cursor + 1 + k) % n;
            Worker w = workers.get(ring.get(idx).id());
            if (w == null || !w.hasCredit() || (n > 1 && w.party.id().equals(task.lastWorker))) {
                continue;
            }
            cursor = idx;
            return w;
        }
        return null;
    }

    private void deliver(PendingTask task, Worker worker) {
        long at = System.currentTimeMillis();
        task.delivered(worker.party.id(), at);
        task.deadlineNanos = System.nanoTime() + options.ackTimeout().toNanos();
        worker.held.add(task.id);
        record(TaskLedger.delivered(task.id, task.deliveries, worker.party.id(), at));
        metrics.delivered.increment();
        if (task.deliveries > 1) {
            metrics.redelivered.increment();
        }
        transport.send(worker.party.address(), new TaskFrames.Delivery(task.id, task.deliveries,
            task.envelope, task.priority, options.ackTimeout().toMillis(), reachableAddress()));
    }

    private void settle(TaskFrames.Settle s, Message<Object> message) {
        PendingTask task = tasks.get(s.taskId());
        if (task == null) {
            PendingTask done = finished.get(s.taskId());
            MessagingException.failReply(message, Failure.NOT_HELD, done != null ? notHeld(done, s)
                : "task " + s.taskId() + " of exchange '" + name() + "' is not pending: it was never enqueued here,"
                    + " or was acked or dead-lettered long ago");
            return;
        }
        if (!s.workerId().equals(task.holder) || task.deliveries != s.attempt()) {
            MessagingException.failReply(message, Failure.NOT_HELD, notHeld(task, s));
            return;
        }
        Worker worker = workers.get(s.workerId());
        Future<Void> settled = Future.succeededFuture();
        PendingTask finishedRecord = null;
        switch (s.outcome()) {
            case IN_PROGRESS -> {
                task.deadlineNanos = System.nanoTime() + options.ackTimeout().toNanos();
                message.reply(null);
                return;
            }
            case ACK -> {
                task.ended("acked");
                finishedRecord = finish(task, "acked");
                metrics.acked.increment();
                if (log != null) {
                    // The worker hears "done" only once no leader can deliver the task again.
                    settled = log.append(name(), TaskLedger.acked(task.id)).mapEmpty();
                }
            }
            case NACK -> {
                task.ended("nacked");
                metrics.nacked.increment();
            }
        }
        if (worker != null) {
            worker.held.remove(task.id);
        }
        PendingTask record = finishedRecord;
        settled.onComplete(ar -> {
            if (ar.succeeded()) {
                message.reply(null);
            } else {
                MessagingException.from(ar.cause(), Failure.EXCHANGE_DOWN, "log gone").failReply(message);
                ackNotCommitted(task, record);
            }
        });
        if (s.outcome() == TaskFrames.Outcome.NACK) {
            giveBack(task, "nacked", s.delayMs());
        }
        dispatch();
    }

    /**
     * An ack the log did not commit (a full or failing disk, a commit past its timeout) while this node still leads:
     * the log still owes the task, so the exchange takes it back and delivers it again (at-least-once) rather than
     * holding it nowhere until the next leader. A leader that lost its majority is stopping, and its successor owes it.
     */
    private void ackNotCommitted(PendingTask task, PendingTask record) {
        if (isStopping() || finished.get(task.id) != record) {
            return;
        }
        finished.remove(task.id);
        task.finalOutcome = null;
        if (!task.history.isEmpty()) {
            task.history.getJsonObject(task.history.size() - 1).put("outcome", "ack-not-committed");
        }
        tasks.put(task.id, task);
        heldBytes.hold(task.bytes()); // still owed: counted whatever the bound
        giveBack(task, "ack-not-committed", 0);
        dispatch();
    }

    /** The task is done here: its message is no longer held, and its record is remembered (and returned). */
    private PendingTask finish(PendingTask task, String outcome) {
        tasks.remove(task.id);
        heldBytes.release(task.bytes());
        task.finalOutcome = outcome;
        PendingTask record = task.finishedRecord();
        finished.put(task.id, record);
        return record;
    }

    private String notHeld(PendingTask task, TaskFrames.Settle s) {
        String now = task.finalOutcome != null
            ? "the task was then " + task.finalOutcome + " after delivery " + task.deliveries
            : task.holder == null ? "the task waits for a worker" : "the task is out as delivery " + task.deliveries;
        String ended = "ended";
        if (s.attempt() >= 1 && s.attempt() <= task.history.size()) {
            String outcome = task.history.getJsonObject(s.attempt() - 1).getString("outcome");
            ended = outcome == null ? ended : "ended as " + outcome;
        }
        return "task " + task.id + " delivery " + s.attempt() + " is no longer held by this worker: that delivery "
            + ended + " and " + now + "; this " + s.outcome().name().toLowerCase().replace('_', '-')
            + " is refused so the task is not completed twice";
    }

    /** A delivery came back without an ack: redeliver it, or dead-letter it after its last delivery. */
    private void giveBack(PendingTask task, String reason, long delayMs) {
        if (task.deliveries >= options.maxDeliveries()) {
            deadLetter(task, reason);
            return;
        }
        record(TaskLedger.returned(task.id, task.deliveries, reason,
            delayMs > 0 ? System.currentTimeMillis() + delayMs : 0));
        if (delayMs > 0) {
            task.notBeforeNanos = System.nanoTime() + delayMs * 1_000_000L;
            delayed.add(task);
            armDelayTimer();
        } else {
            queue.addFirst(task);
        }
    }

    private void giveBackAll(Worker worker, String reason) {
        List<Long> held = new ArrayList<>(worker.held);
        java.util.Collections.reverse(held); // each goes to the head of its priority: keep their order
        for (Long id : held) {
            PendingTask task = tasks.get(id);
            if (task != null) {
                task.ended(reason);
                giveBack(task, reason, 0);
            }
        }
        worker.held.clear();
    }

    private void armDelayTimer() {
        PendingTask head = delayed.peek();
        if (head == null || (delayTimer >= 0 && delayTimerDue <= head.notBeforeNanos)) {
            return;
        }
        vertx.cancelTimer(delayTimer);
        delayTimerDue = head.notBeforeNanos;
        long waitMs = Math.max(1, (head.notBeforeNanos - System.nanoTime()) / 1_000_000L);
        delayTimer = vertx.setTimer(waitMs, id -> {
            delayTimer = -1;
            long now = System.nanoTime();
            while (!delayed.isEmpty() && delayed.peek().notBeforeNanos <= now) {
                queue.addFirst(delayed.poll());
            }
            armDelayTimer();
            dispatch();
        });
    }

    /** One pass over every delivery in flight: those past their ack timeout come back. */
    private void sweepAckTimeouts() {
        long now = System.nanoTime();
        boolean any = false;
        for (Worker w : workers.values()) {
            for (Long id : new ArrayList<>(w.held)) {
                PendingTask task = tasks.get(id);
                if (task != null && task.deadlineNanos - now < 0) {
                    w.held.remove(id);
                    task.ended("timed-out");
                    metrics.ackTimeouts.increment();
                    giveBack(task, "timed-out", 0);
                    any = true;
                }
            }
        }
        if (any) {
            dispatch();
        }
    }

    private void deadLetter(PendingTask task, String reason) {
        finish(task, "dead-lettered");
        metrics.deadLettered.increment();
        String dlx = options.deadLetterExchange();
        if (dlx == null) {
            LOG.debugf("exchange %s: task %d dropped after %d deliveries (%s); no dead-letter-exchange is set",
                name(), task.id, task.deliveries, reason);
            record(TaskLedger.dead(task.id, reason));
            return;
        }
        Map<String, String> headers = new HashMap<>(task.envelope.headers());
        headers.put("x-original-exchange", name());
        headers.put("x-task-id", String.valueOf(task.id));
        headers.put("x-deliveries", String.valueOf(task.deliveries));
        headers.put("x-death-reason", reason);
        headers.put("x-history", task.history.encode());
        Envelope dead = new Envelope(dlx, task.envelope.tag(), task.envelope.message(), headers);
        // Logged as dead only once the dead-letter exchange has it (or refused it for good): a leader change in
        // between delivers the task once more rather than losing it.
        transport.request(transport.exchangeAddress(dlx), new DeadLetterFrame(dead, task.priority), 10_000)
            .onComplete(ar -> record(TaskLedger.dead(task.id, reason))).onFailure(t -> {
            metrics.deadLetterFailed.increment();
            LOG.warnf("exchange %s: task %d could not be dead-lettered to '%s': %s", name(), task.id, dlx,
                MessagingException.from(t, Failure.NO_SUCH_EXCHANGE, "no exchange named '" + dlx + "'").getMessage());
        });
    }

    @Override
    protected void onPartyGone(Party party, String why) {
        Worker w = workers.remove(party.id());
        if (w != null) {
            giveBackAll(w, "worker-" + why);
            dispatch();
        }
    }

    @Override
    protected void onDown(String reason) {
        queue.clear();
        delayed.clear();
        tasks.clear();
        heldBytes.close();
        workers.clear();
    }
}

package dev.messagingnode.sink;

import dev.messagingnode.exchange.DeadLetterFrame;
import dev.messagingnode.exchange.Delivery;
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
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * A sink exchange: many producers, one active consumer; later consumers wait as standby, in registration order,
 * and the next one takes over when the active one unregisters or vanishes.
 *
 * <p>Messages wait in a bounded buffer while no consumer is attached or the consumer is behind, and go to the
 * consumer in order, in batches. A batch stays here until the consumer acknowledges it, so when the active consumer
 * goes away its unacknowledged batches go back to the head of the buffer, in order, for the next consumer.
 *
 * <p>A durable sink ({@code durable=true}) runs only on the leader of its replica set and keeps what it owes in the
 * Raft log ({@link SinkLedger}): a message is buffered, and its producer answered, only once it is committed on a
 * majority; a batch leaves the log once its consumer's ack is committed. A new leader starts with every message
 * still owed, in order, so one active consumer across the cluster gets them all, at least once.
 */
final class SinkExchange extends ExchangeVerticle {

    static final String CONSUMER_ROLE = "consumer";
    private static final Logger LOG = Logger.getLogger(SinkExchange.class);

    private final SinkOptions options;
    /** The replica set's log for a durable sink; null for a transient one. */
    private final ReplicatedLog log;
    private final ArrayDeque<Held> buffer = new ArrayDeque<>();
    /** This sink's part of the node's held message bytes: what is in its buffer or out with its consumer. */
    private HeldBytes.Share heldBytes;
    private final Map<Long, List<Held>> unacked = new LinkedHashMap<>();
    private final Counter received;
    private final Counter delivered;
    private final Counter dropped;
    private Party active;
    private long nextSeq;
    private long droppedCount;
    private long oldestBufferedAt;
    private long batchTimer = -1;

    SinkExchange(ExchangeDefinition definition, SinkOptions options, ExchangeContext context) {
        super(definition, context, options.partyCheckInterval());
        this.options = options;
        this.log = options.durable() ? context.log() : null;
        if (options.durable() && log == null) {
            throw new MessagingException(Failure.INVALID, "exchange '" + definition.name() + "' is durable but"
                + " this node has no replica set (messaging.durable.members)");
        }
        this.received = meters.counter("messaging.received");
        this.delivered = meters.counter("messaging.delivered");
        this.dropped = meters.counter("messaging.dropped");
    }

    /** Buffered messages plus those delivered but not yet acknowledged. */
    @Override
    protected long depth() {
        return buffer.size() + unacked.values().stream().mapToLong(List::size).sum();
    }

    /** The active consumer holds the unacknowledged batches; a standby holds nothing. */
    @Override
    protected void describe(Party party, io.vertx.core.json.JsonObject into) {
        boolean isActive = active != null && active.id().equals(party.id());
        into.put("active", isActive).put("held", isActive ? unacked.values().stream().mapToLong(List::size).sum() : 0);
    }

    @Override
    protected void describeState(io.vertx.core.json.JsonObject into) {
        into.put("buffered", buffer.size()).put("unacked", depth() - buffer.size()).put("durable", log != null);
    }

    @Override
    public void start(Promise<Void> started) {
        SinkFrames.install(vertx);
        heldBytes = HeldBytes.of(vertx).share();
        meters.gauge("messaging.buffered", buffer::size);
        meters.gauge("messaging.consumers", parties::size);
        restoreFromLog();
        super.start(started);
    }

    @Override
    protected void onRegister(RegisterFrame frame, Message<RegisterFrame> message) {
        requireRole(frame, CONSUMER_ROLE);
        parties.add(Party.of(frame));
        boolean becomesActive = active == null;
        message.reply(new JsonObject().put("active", becomesActive));
        if (becomesActive) {
            activate(parties.get(frame.partyId()));
        }
    }

    @Override
    protected void onMessage(Message<Object> message) {
        Object body = message.body();
        if (body instanceof SinkFrames.Send s) {
            accept(s.envelope(), message);
        } else if (body instanceof DeadLetterFrame d) {
            accept(d.envelope(), message);
        } else if (body instanceof SinkFrames.Ack a) {
            if (active != null && active.id().equals(a.partyId())) {
                List<Held> batch = unacked.remove(a.seq());
                if (batch != null) {
                    batch.forEach(h -> heldBytes.release(h.bytes()));
                }
                if (batch != null && log != null) {
                    List<Long> seqs = new ArrayList<>(batch.size());
                    batch.forEach(h -> seqs.add(h.seq()));
                    // Nobody waits on it: a batch whose ack is lost with a leader goes to the consumer again.
                    log.append(name(), SinkLedger.acked(seqs)).onFailure(t -> LOG.debugf(
                        "exchange %s: an ack was not committed: %s", name(), t.getMessage()));
                }
                deliver();
            }
        } else {
            throw unexpected(body);
        }
    }

    private void accept(Envelope envelope, Message<Object> message) {
        if (refuseTooLarge(message, "message", envelope.message().length(), options.maxMessageBytes())) {
            return;
        }
        received.increment();
        Envelope own = new Envelope(name(), envelope.tag(), envelope.message(), envelope.headers());
        if (log != null) {
            acceptDurably(own, message);
            return;
        }
        if (buffer.size() >= options.bufferSize() && !dropForRoom(message)) {
            return;
        }
        // The node's bound on held bytes is a full buffer too: the overflow policy makes room, or drops this one.
        while (!heldBytes.tryHold(own.message().length())) {
            if (!dropForRoom(message)) {
                return;
            }
        }
        if (buffer.isEmpty()) {
            oldestBufferedAt = System.nanoTime();
        }
        buffer.add(new Held(0, own));
        message.reply(null);
        deliver();
    }

    /**
     * Applies the overflow policy to a full buffer, counting one message dropped: drop-oldest drops the buffer's
     * oldest and returns true (room was made); drop-newest, or a buffer with nothing left to drop, drops the one
     * being sent (its producer is answered, as for any send to a sink) and returns false.
     */
    private boolean dropForRoom(Message<Object> message) {
        droppedCount++;
        dropped.increment();
        if (options.overflow() == SinkOptions.Overflow.DROP_OLDEST && !buffer.isEmpty()) {
            heldBytes.release(buffer.poll().bytes());
            return true;
        }
        message.reply(null);
        return false;
    }

    /** The producer is answered once the message is committed; the ledger applied the overflow policy. */
    private void acceptDurably(Envelope envelope, Message<Object> message) {
        String full = log.full();
        if (full != null) {
            meters.refused("messaging.refused", Failure.OVER_CAPACITY, full);
            MessagingException.failReply(message, Failure.OVER_CAPACITY, full);
            return;
        }
        long size = envelope.message().length();
        if (!heldBytes.tryHold(size)) {
            // The log decides what a durable sink drops, the same on every replica; this node's memory is its own
            // matter, so the send is refused, as on a full disk.
            String detail = heldBytes.refusal(size);
            meters.refused("messaging.refused", Failure.OVER_CAPACITY, detail);
            MessagingException.failReply(message, Failure.OVER_CAPACITY, detail);
            return;
        }
        log.append(name(), SinkLedger.sent(envelope)).onComplete(ar -> {
            if (ar.failed() || isStopping()) {
                heldBytes.release(size); // not taken in here: refused, or owed by the next leader
            }
            if (ar.failed()) {
                MessagingException.from(ar.cause(), Failure.EXCHANGE_DOWN, "log gone").failReply(message);
                return;
            }
            if (isStopping()) {
                message.reply(null);
                return; // committed: the next leader owes it
            }
            SinkLedger.Sent sent;
            try {
                sent = SinkLedger.Sent.of(ar.result());
            } catch (java.io.IOException e) {
                heldBytes.release(size);
                message.reply(null); // committed all the same
                throw new IllegalStateException(e);
            }
            // Counted before the producer hears, as when not durable: a producer (or a test) that reads the meters
            // once its send is answered sees the message it pushed out. Answered first, a reader raced the count.
            if (sent.droppedSeq() != 0 || sent.seq() == 0) {
                droppedCount++;
                dropped.increment();
            }
            message.reply(null);
            if (sent.droppedSeq() != 0) {
                // The oldest owed message left the log; if it is still waiting here it goes too (one in a batch
                // already delivered stays with its consumer, whose ack then changes nothing).
                buffer.removeIf(h -> {
                    boolean gone = h.seq() == sent.droppedSeq();
                    if (gone) {
                        heldBytes.release(h.bytes());
                    }
                    return gone;
                });
            }
            if (sent.seq() == 0) {
                heldBytes.release(size); // the log dropped it (drop-newest on a full buffer)
            } else {
                if (buffer.isEmpty()) {
                    oldestBufferedAt = System.nanoTime();
                }
                buffer.add(new Held(sent.seq(), envelope));
                deliver();
            }
        });
    }

    /** A leader that takes a durable sink over starts with every message its log still owes, oldest first. */
    private void restoreFromLog() {
        if (log == null) {
            return;
        }
        SinkLedger.Owing owing = log.read(name(), s -> s instanceof SinkLedger l ? l.owing()
            : new SinkLedger.Owing(List.of(), 0));
        droppedCount = owing.dropped();
        owing.messages().forEach(o -> {
            buffer.add(new Held(o.seq(), o.envelope()));
            heldBytes.hold(o.envelope().message().length()); // owed already: counted whatever the bound
        });
        oldestBufferedAt = System.nanoTime();
        if (!owing.messages().isEmpty()) {
            LOG.infof("exchange %s: leading with %d message(s) from the log", name(), owing.messages().size());
        }
    }

    /** A message waiting or delivered; {@code seq} is its number in the log (0 for a transient sink). */
    private record Held(long seq, Envelope envelope) {
        /** What it counts against the node's {@code messaging.max-held-bytes}. */
        long bytes() {
            return envelope.message().length();
        }
    }

    /** Sends batches while the active consumer has credit and a batch is due. */
    private void deliver() {
        while (active != null && unacked.size() < options.consumerPrefetch() && !buffer.isEmpty()) {
            if (buffer.size() < options.batchSize() && !batchDue()) {
                scheduleBatch();
                return;
            }
            List<Held> batch = new ArrayList<>(Math.min(buffer.size(), options.batchSize()));
            while (batch.size() < options.batchSize() && !buffer.isEmpty()) {
                batch.add(buffer.poll());
            }
            oldestBufferedAt = System.nanoTime();
            long seq = nextSeq++;
            unacked.put(seq, batch);
            List<Delivery> deliveries = new ArrayList<>(batch.size());
            for (Held h : batch) {
                deliveries.add(new Delivery(h.envelope(), "", droppedCount, reachableAddress()));
            }
            delivered.increment(batch.size());
            transport.send(active.address(), new SinkFrames.Batch(seq, deliveries, reachableAddress()));
        }
    }

    private boolean batchDue() {
        return System.nanoTime() - oldestBufferedAt >= options.batchDelay().toNanos();
    }

    private void scheduleBatch() {
        if (batchTimer >= 0) {
            return;
        }
        long waitMs = Math.max(1, (options.batchDelay().toNanos() - (System.nanoTime() - oldestBufferedAt)) / 1_000_000);
        batchTimer = vertx.setTimer(waitMs, id -> {
            batchTimer = -1;
            oldestBufferedAt = Long.MIN_VALUE / 2; // the wait is over: whatever is there goes
            deliver();
        });
    }

    private void activate(Party consumer) {
        active = consumer;
        transport.send(consumer.address(), new SinkFrames.Activated(name()));
        deliver();
    }

    @Override
    protected void onPartyGone(Party party, String why) {
        if (active == null || !active.id().equals(party.id())) {
            return; // a standby left
        }
        // Hand back what the consumer did not acknowledge, ahead of everything else, in the original order.
        List<List<Held>> batches = new ArrayList<>(unacked.values());
        unacked.clear();
        ListIterator<List<Held>> it = batches.listIterator(batches.size());
        while (it.hasPrevious()) {
            List<Held> batch = it.previous();
            for (int i = batch.size() - 1; i >= 0; i--) {
                buffer.addFirst(batch.get(i));
            }
        }
        active = null;
        Party next = parties.all().isEmpty() ? null : parties.all().get(0);
        if (next != null) {
            activate(next);
        }
    }

    @Override
    protected void onDown(String reason) {
        if (batchTimer >= 0) {
            vertx.cancelTimer(batchTimer);
        }
        if (log == null) { // a durable sink's messages stay in the log for the next leader
            dropped.increment(buffer.size() + unacked.values().stream().mapToInt(List::size).sum());
        }
        buffer.clear();
        unacked.clear();
        heldBytes.close();
    }
}

package dev.messagingnode.sink;

import dev.messagingnode.exchange.DeadLetterFrame;
import dev.messagingnode.exchange.Delivery;
import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.ExchangeContext;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangeVerticle;
import dev.messagingnode.exchange.Party;
import dev.messagingnode.exchange.RegisterFrame;
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

/**
 * A sink exchange: many producers, one active consumer; later consumers wait as standby, in registration order,
 * and the next one takes over when the active one unregisters or vanishes.
 *
 * <p>Messages wait in a bounded buffer while no consumer is attached or the consumer is behind, and go to the
 * consumer in order, in batches. A batch stays here until the consumer acknowledges it, so when the active consumer
 * goes away its unacknowledged batches go back to the head of the buffer, in order, for the next consumer.
 */
final class SinkExchange extends ExchangeVerticle {

    static final String CONSUMER_ROLE = "consumer";

    private final SinkOptions options;
    private final ArrayDeque<Envelope> buffer = new ArrayDeque<>();
    private final Map<Long, List<Envelope>> unacked = new LinkedHashMap<>();
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
        this.received = meters.counter("messaging.received");
        this.delivered = meters.counter("messaging.delivered");
        this.dropped = meters.counter("messaging.dropped");
    }

    /** Buffered messages plus those delivered but not yet acknowledged. */
    @Override
    protected long depth() {
        return buffer.size() + unacked.values().stream().mapToLong(List::size).sum();
    }

    @Override
    public void start(Promise<Void> started) {
        SinkFrames.install(vertx);
        meters.gauge("messaging.buffered", buffer::size);
        meters.gauge("messaging.consumers", parties::size);
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
                unacked.remove(a.seq());
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
        if (buffer.size() >= options.bufferSize()) {
            droppedCount++;
            dropped.increment();
            if (options.overflow() == SinkOptions.Overflow.DROP_NEWEST) {
                message.reply(null);
                return;
            }
            buffer.poll();
        }
        if (buffer.isEmpty()) {
            oldestBufferedAt = System.nanoTime();
        }
        buffer.add(new Envelope(name(), envelope.tag(), envelope.message(), envelope.headers()));
        message.reply(null);
        deliver();
    }

    /** Sends batches while the active consumer has credit and a batch is due. */
    private void deliver() {
        while (active != null && unacked.size() < options.consumerPrefetch() && !buffer.isEmpty()) {
            if (buffer.size() < options.batchSize() && !batchDue()) {
                scheduleBatch();
                return;
            }
            List<Envelope> batch = new ArrayList<>(Math.min(buffer.size(), options.batchSize()));
            while (batch.size() < options.batchSize() && !buffer.isEmpty()) {
                batch.add(buffer.poll());
            }
            oldestBufferedAt = System.nanoTime();
            long seq = nextSeq++;
            unacked.put(seq, batch);
            List<Delivery> deliveries = new ArrayList<>(batch.size());
            for (Envelope e : batch) {
                deliveries.add(new Delivery(e, "", droppedCount, reachableAddress()));
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
        List<List<Envelope>> batches = new ArrayList<>(unacked.values());
        unacked.clear();
        ListIterator<List<Envelope>> it = batches.listIterator(batches.size());
        while (it.hasPrevious()) {
            List<Envelope> batch = it.previous();
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
        int lost = buffer.size() + unacked.values().stream().mapToInt(List::size).sum();
        dropped.increment(lost);
        buffer.clear();
        unacked.clear();
    }
}

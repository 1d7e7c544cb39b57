package dev.messagingnode.remote;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Registration;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A service, worker or sink consumer registered by the node on behalf of a remote program. Each unit of work becomes
 * a {@link WorkItem} held here until the program settles it; {@link #close} gives back what is still held.
 *
 * <p>Bound: at most {@code limit} items are held. For a worker that is its prefetch limit (the exchange never
 * sends more); for a sink consumer the exchange's consumer-prefetch bounds it; for a service, a request beyond the
 * limit fails at once with SERVICE_FAILED naming the bound, so an absent program cannot pile requests up. A request
 * whose client stopped waiting (TIMED_OUT) is let go: it stops counting and a late answer gets NOT_HELD.
 */
public final class RemoteParty {

    private static final long SWEEP_NANOS = 100_000_000L;

    private final String id = UUID.randomUUID().toString();
    private final String exchange;
    private final RemoteRole role;
    private final int limit;
    private final Outlet outlet;
    private final MessagingClient client;
    private final Map<Long, WorkItem> held = new ConcurrentHashMap<>();
    private volatile long lastSweep = System.nanoTime();
    private final AtomicLong seq = new AtomicLong();
    private volatile Registration registration;
    private volatile boolean closed;

    private RemoteParty(MessagingClient client, String exchange, RemoteRole role, int limit, Outlet outlet) {
        this.client = client;
        this.exchange = exchange;
        this.role = role;
        this.limit = limit;
        this.outlet = outlet;
    }

    /**
     * Registers the party; the future completes once the exchange has it, and fails as the registration does
     * (NO_SUCH_EXCHANGE is not a failure: like every registration it waits for the exchange).
     */
    static RemoteParty open(MessagingClient client, String exchange, RemoteRole role, int limit, Outlet outlet) {
        RemoteParty party = new RemoteParty(client, exchange, role, limit, outlet);
        party.registration = switch (role) {
            case SERVICE -> client.register(exchange, req -> {
                if (party.heldCount() >= limit) {
                    req.fail("the remote service already holds " + limit + " unanswered requests");
                    return;
                }
                party.offer(WorkItem.request(party.seq.incrementAndGet(), req));
            });
            case WORKER -> client.work(exchange, limit, task -> party.offer(WorkItem.task(party.seq.incrementAndGet(),
                task)));
            case CONSUMER -> client.consumeAcking(exchange, batch -> {
                WorkItem item = WorkItem.messages(party.seq.incrementAndGet(), batch);
                party.offer(item);
                return item.acked();
            });
        };
        return party;
    }

    private void offer(WorkItem item) {
        if (closed) {
            item.abandon("party " + id + " is closed");
            return;
        }
        held.put(item.id(), item);
        item.settled().onComplete(ar -> held.remove(item.id()));
        outlet.offer(this, item);
    }

    public String id() {
        return id;
    }

    public String exchange() {
        return exchange;
    }

    public RemoteRole role() {
        return role;
    }

    public int limit() {
        return limit;
    }

    public Outlet outlet() {
        return outlet;
    }

    public Registration registration() {
        return registration;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Items handed out and not yet settled (requests whose client stopped waiting do not count). */
    public int heldCount() {
        if (role == RemoteRole.SERVICE && held.size() >= limit) {
            scanExpired(System.nanoTime()); // at the limit the count decides: exact, not up to a sweep late
        } else {
            letGoOfExpired();
        }
        return held.size();
    }

    /** The held item with that id; NOT_HELD when it was settled, given back, timed out, or never existed. */
    public WorkItem item(long itemId) {
        letGoOfExpired();
        WorkItem item = held.get(itemId);
        if (item != null && role == RemoteRole.SERVICE && item.expired(System.nanoTime())) {
            held.remove(itemId, item);
            item = null;
        }
        if (item == null) {
            throw new MessagingException(Failure.NOT_HELD, "party " + id + " holds no item " + itemId
                + " (settled already, given back, or never handed out)");
        }
        return item;
    }

    /**
     * Lets go of the requests whose client was told TIMED_OUT, checked when the held items are looked at (no
     * timer per request), at most once per {@link #SWEEP_NANOS}: a scan per settle was 3 % of the node's CPU under
     * 64 requests in flight (JFR). An item looked up by id is checked on its own ({@link #item}).
     */
    public void letGoOfExpired() {
        if (role == RemoteRole.SERVICE && !held.isEmpty()) {
            long now = System.nanoTime();
            if (now - lastSweep >= SWEEP_NANOS) {
                scanExpired(now);
            }
        }
    }

    private void scanExpired(long now) {
        lastSweep = now;
        held.values().removeIf(item -> item.expired(now));
    }

    /** Unregisters and gives back every held item: requests fail, tasks are nacked, sink batches stay unacked. */
    Future<Void> close(String why) {
        if (closed) {
            return Future.succeededFuture();
        }
        closed = true;
        outlet.closed(this, why);
        // Unregister first: the exchange then redelivers this party's tasks to other workers (a nack first would
        // hand them straight back to this party, still registered) and hands unacked sink batches on.
        return registration.unregister().onComplete(ar -> {
            client.forget(registration);
            List<WorkItem> left = new ArrayList<>(held.values());
            left.forEach(i -> i.abandon(why));
            held.clear();
        });
    }
}

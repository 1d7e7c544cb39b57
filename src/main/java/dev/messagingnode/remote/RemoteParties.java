package dev.messagingnode.remote;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.ExchangeName;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every remote party of this node, by id, shared by the HTTP API and the bridges. Bound: at most
 * {@code maxParties}; one more is refused with OVER_CAPACITY.
 */
public final class RemoteParties {

    /** The most items one remote party may hold (its prefetch or request limit). */
    public static final int MAX_LIMIT = 1_000;

    private final MessagingClient client;
    private final int maxParties;
    private final Map<String, RemoteParty> parties = new ConcurrentHashMap<>();

    public RemoteParties(MessagingClient client, int maxParties) {
        this.client = client;
        this.maxParties = maxParties;
    }

    /** Registers a party for a remote program; INVALID for a bad name or limit, OVER_CAPACITY at the bound. */
    public RemoteParty open(String exchange, RemoteRole role, int limit, Outlet outlet) {
        ExchangeName.validate(exchange);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new MessagingException(Failure.INVALID, "limit " + limit + " is out of range 1.." + MAX_LIMIT);
        }
        if (parties.size() >= maxParties) {
            throw new MessagingException(Failure.OVER_CAPACITY, "this node already holds " + maxParties
                + " remote parties (messaging.http.max-parties)");
        }
        RemoteParty party = RemoteParty.open(client, exchange, role, limit, outlet);
        parties.put(party.id(), party);
        return party;
    }

    /** The party with that id; NOT_FOUND when it closed, expired or never existed. */
    public RemoteParty get(String id) {
        RemoteParty party = id == null ? null : parties.get(id);
        if (party == null) {
            throw new MessagingException(Failure.NOT_FOUND, "no party '" + id + "' on this node (closed or expired)");
        }
        return party;
    }

    public Future<Void> close(String id, String why) {
        RemoteParty party = parties.remove(id);
        return party == null ? Future.succeededFuture() : party.close(why);
    }

    public List<RemoteParty> all() {
        return List.copyOf(parties.values());
    }

    public int size() {
        return parties.size();
    }

    public Future<Void> closeAll(String why) {
        return Future.join(all().stream().map(p -> close(p.id(), why)).toList()).mapEmpty();
    }
}

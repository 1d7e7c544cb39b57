package dev.messagingnode.exchange;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parties registered on one exchange, in registration order, with a round-robin cursor. Only the exchange's
 * own event loop touches it.
 */
public final class Parties {

    private final Map<String, Party> byId = new LinkedHashMap<>();
    private List<Party> ring = List.of();
    private int cursor;

    /** Adds or replaces a party; a party that registers again (after exchange-down) keeps its place. */
    public void add(Party party) {
        byId.put(party.id(), party);
        ring = List.copyOf(byId.values());
    }

    public Party remove(String id) {
        Party p = byId.remove(id);
        if (p != null) {
            ring = List.copyOf(byId.values());
        }
        return p;
    }

    public Party get(String id) {
        return byId.get(id);
    }

    /** The next party in round-robin order, or null when none is registered. */
    public Party next() {
        List<Party> r = ring;
        if (r.isEmpty()) {
            return null;
        }
        cursor = (cursor + 1) % r.size();
        return r.get(cursor);
    }

    public boolean isEmpty() {
        return byId.isEmpty();
    }

    public int size() {
        return byId.size();
    }

    /** A snapshot, safe to iterate while parties come and go. */
    public List<Party> all() {
        return ring;
    }

    public List<Party> drain() {
        List<Party> all = new ArrayList<>(ring);
        byId.clear();
        ring = Collections.emptyList();
        return all;
    }
}

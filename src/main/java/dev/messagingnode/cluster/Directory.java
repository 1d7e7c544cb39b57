package dev.messagingnode.cluster;

import dev.messagingnode.exchange.HostedExchange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Every exchange in the cluster: the last {@link Announcement} of every member, resolved into one
 * {@link DirectoryEntry} per name. Every member resolves the same announcements the same way, so once announcements
 * have spread, every member sees the same directory.
 *
 * <p>Resolution of a name defined on several nodes: the oldest definition wins (creation time, then node name);
 * nodes hosting that same definition host it too, unless its pattern allows a single owner ({@code tasks}), in
 * which case only the winner does. Every other node has lost the name and steps down.
 *
 * <p>Not thread-safe for updates (one context owns it); {@link #get} and {@link #entries} read a snapshot.
 */
public final class Directory {

    private record Candidate(String node, HostedExchange hosted) {
    }

    private final Predicate<String> singleOwnerPattern;
    private final Map<String, Announcement> byNode = new HashMap<>();
    private volatile Map<String, DirectoryEntry> entries = Map.of();

    public Directory(Predicate<String> singleOwnerPattern) {
        this.singleOwnerPattern = singleOwnerPattern;
    }

    /** Takes a node's announcement; false when an equal or later one was already taken. */
    public boolean apply(Announcement a) {
        Announcement previous = byNode.get(a.node());
        if (previous != null && previous.seq() >= a.seq()) {
            return false;
        }
        byNode.put(a.node(), a);
        resolve();
        return true;
    }

    /** Forgets every node not among the members: their exchanges leave the directory with them. */
    public boolean retain(Collection<String> members) {
        boolean changed = byNode.keySet().retainAll(members);
        if (changed) {
            resolve();
        }
        return changed;
    }

    public Optional<DirectoryEntry> get(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** Every entry, by name. */
    public Map<String, DirectoryEntry> entries() {
        return entries;
    }

    /** The names that {@code node} announced but does not host in the resolved directory: it must step down. */
    public List<String> lostBy(String node) {
        List<String> lost = new ArrayList<>();
        Announcement a = byNode.get(node);
        if (a == null) {
            return lost;
        }
        for (HostedExchange h : a.hosted()) {
            DirectoryEntry e = entries.get(h.definition().name());
            if (e == null || !e.hosts().contains(node)) {
                lost.add(h.definition().name());
            }
        }
        return lost;
    }

    private void resolve() {
        Map<String, List<Candidate>> byName = new TreeMap<>();
        for (Announcement a : byNode.values()) {
            for (HostedExchange h : a.hosted()) {
                byName.computeIfAbsent(h.definition().name(), k -> new ArrayList<>()).add(new Candidate(a.node(), h));
            }
        }
        Comparator<Candidate> oldestFirst = Comparator.comparingLong((Candidate c) -> c.hosted().createdAt())
            .thenComparing(Candidate::node);
        Map<String, DirectoryEntry> resolved = new TreeMap<>();
        for (Map.Entry<String, List<Candidate>> e : byName.entrySet()) {
            List<Candidate> candidates = e.getValue();
            candidates.sort(oldestFirst);
            Candidate winner = candidates.get(0);
            boolean single = singleOwnerPattern.test(winner.hosted().definition().pattern());
            List<String> hosts = new ArrayList<>();
            for (Candidate c : candidates) {
                if (c.hosted().definition().equals(winner.hosted().definition()) && (!single || c == winner)) {
                    hosts.add(c.node());
                }
            }
            resolved.put(e.getKey(), new DirectoryEntry(winner.hosted().definition(), List.copyOf(hosts),
                winner.hosted().createdAt()));
        }
        entries = Map.copyOf(resolved);
    }
}

package dev.messagingnode.cluster;

import dev.messagingnode.exchange.HostedExchange;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

    /** The newest cluster wire format and transport format a node announced it reads. */
    private record Formats(int wire, int transport) {
    }

    private final Predicate<String> singleOwnerPattern;
    private final Map<String, Announcement> byNode = new HashMap<>();
    /** What each node announced it reads, kept apart from {@link #byNode} to be read from any thread. */
    private final Map<String, Formats> formats = new java.util.concurrent.ConcurrentHashMap<>();
    /** Each node's announced exchanges by name, so that a change re-resolves only the names it touched. */
    private final Map<String, Map<String, HostedExchange>> byNodeAndName = new HashMap<>();
    private volatile Map<String, DirectoryEntry> entries = Map.of();

    public Directory(Predicate<String> singleOwnerPattern) {
        this.singleOwnerPattern = singleOwnerPattern;
    }

    /** Takes a node's announcement; false when an equal or later one was already taken. */
    public boolean apply(Announcement a) {
        formats.put(a.node(), new Formats(a.wireFormat(), a.transportFormat()));
        Announcement previous = byNode.get(a.node());
        if (previous != null && previous.seq() >= a.seq()) {
            return false;
        }
        byNode.put(a.node(), a);
        Map<String, HostedExchange> now = new HashMap<>();
        for (HostedExchange h : a.hosted()) {
            now.put(h.definition().name(), h);
        }
        Map<String, HostedExchange> before = byNodeAndName.put(a.node(), now);
        Set<String> touched = new HashSet<>();
        for (Map.Entry<String, HostedExchange> e : now.entrySet()) {
            if (before == null || !e.getValue().equals(before.get(e.getKey()))) {
                touched.add(e.getKey());
            }
        }
        if (before != null) {
            for (String name : before.keySet()) {
                if (!now.containsKey(name)) {
                    touched.add(name);
                }
            }
        }
        resolve(touched);
        return true;
    }

    /** Forgets every node not among the members: their exchanges leave the directory with them. */
    public boolean retain(Collection<String> members) {
        Set<String> touched = new HashSet<>();
        for (Map.Entry<String, Map<String, HostedExchange>> e : byNodeAndName.entrySet()) {
            if (!members.contains(e.getKey())) {
                touched.addAll(e.getValue().keySet());
            }
        }
        formats.keySet().retainAll(members);
        boolean changed = byNode.keySet().retainAll(members);
        byNodeAndName.keySet().retainAll(members);
        if (changed) {
            resolve(touched);
        }
        return changed;
    }

    /**
     * The newest cluster wire format {@code node} reads, as it announced it; 1 (the oldest) until it has announced,
     * or when it is of the release before formats were announced. Read from any thread.
     */
    public int wireFormat(String node) {
        Formats f = formats.get(node);
        return f == null ? dev.messagingnode.exchange.WireCodec.OLDEST_FORMAT : f.wire();
    }

    /**
     * The newest transport format {@code node} reads ({@link ClusterTransport#TRANSPORT_FORMAT}), as it announced it;
     * 1 until it has announced, or when it is of a release before batches. Read from any thread.
     */
    public int transportFormat(String node) {
        Formats f = formats.get(node);
        return f == null ? 1 : f.transport();
    }

    /** Whether {@code node}'s announcement has reached this node, so that its exchanges are known here. */
    public boolean announced(String node) {
        return formats.containsKey(node);
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

    /**
     * Resolves the names a change touched, the others stay as they are: a node creating or deleting one exchange
     * costs one name's resolution here, not the whole directory's.
     */
    private void resolve(Set<String> touched) {
        if (touched.isEmpty()) {
            return;
        }
        Comparator<Candidate> oldestFirst = Comparator.comparingLong((Candidate c) -> c.hosted().createdAt())
            .thenComparing(Candidate::node);
        Map<String, DirectoryEntry> resolved = new HashMap<>(entries);
        for (String name : touched) {
            List<Candidate> candidates = new ArrayList<>();
            for (Map.Entry<String, Map<String, HostedExchange>> node : byNodeAndName.entrySet()) {
                HostedExchange h = node.getValue().get(name);
                if (h != null) {
                    candidates.add(new Candidate(node.getKey(), h));
                }
            }
            if (candidates.isEmpty()) {
                resolved.remove(name);
                continue;
            }
            candidates.sort(oldestFirst);
            Candidate winner = candidates.get(0);
            boolean single = singleOwnerPattern.test(winner.hosted().definition().pattern());
            List<String> hosts = new ArrayList<>();
            for (Candidate c : candidates) {
                if (c.hosted().definition().equals(winner.hosted().definition()) && (!single || c == winner)) {
                    hosts.add(c.node());
                }
            }
            resolved.put(name, new DirectoryEntry(winner.hosted().definition(), List.copyOf(hosts),
                winner.hosted().createdAt()));
        }
        entries = Collections.unmodifiableMap(resolved);
    }
}

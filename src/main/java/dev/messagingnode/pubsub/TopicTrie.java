package dev.messagingnode.pubsub;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Subscriptions by pattern, matched against routing keys with AMQP topic semantics: words separated by '.', a
 * pattern word {@code *} matches exactly one word, {@code #} matches zero or more words.
 *
 * <p>A trie of words rather than a list of patterns, so that a publish costs what its key's words reach, not one
 * test per subscription: with thousands of subscriptions a scan would dominate every publish (see
 * {@code TopicMatchBench}). Not thread-safe: one exchange's event loop owns it.
 *
 * <p>Results are remembered per key, as NATS's sublist does: most traffic repeats a few keys, and a hit costs one
 * hash lookup instead of splitting the key and walking the trie (2.7 % of the event loops' samples under
 * fire-and-forget pub-sub). The memory is bounded ({@value #CACHE_MAX} keys, then forgotten all at once) and forgotten
 * on every add and remove, so a result never outlives the subscriptions it was computed from.
 */
public final class TopicTrie<T> {

    private static final class Node<T> {
        final Map<String, Node<T>> words = new HashMap<>();
        Node<T> star;
        Node<T> hash;
        final List<T> values = new ArrayList<>(1);

        boolean isEmpty() {
            return words.isEmpty() && star == null && hash == null && values.isEmpty();
        }
    }

    /** Keys whose result is remembered at most; past it the memory starts over. */
    static final int CACHE_MAX = 1024;

    private final Node<T> root = new Node<>();
    private final Map<String, Set<T>> cache = new HashMap<>();
    private int size;

    public void add(String pattern, T value) {
        cache.clear();
        Node<T> n = root;
        for (String w : RoutingKeys.words(pattern)) {
            n = switch (w) {
                case "*" -> n.star != null ? n.star : (n.star = new Node<>());
                case "#" -> n.hash != null ? n.hash : (n.hash = new Node<>());
                default -> n.words.computeIfAbsent(w, k -> new Node<>());
            };
        }
        n.values.add(value);
        size++;
    }

    /** Removes one occurrence of value under pattern, pruning nodes left empty. */
    public boolean remove(String pattern, T value) {
        cache.clear();
        List<String> words = RoutingKeys.words(pattern);
        boolean removed = remove(root, words, 0, value);
        if (removed) {
            size--;
        }
        return removed;
    }

    private boolean remove(Node<T> n, List<String> words, int i, T value) {
        if (i == words.size()) {
            return n.values.remove(value);
        }
        String w = words.get(i);
        Node<T> child = switch (w) {
            case "*" -> n.star;
            case "#" -> n.hash;
            default -> n.words.get(w);
        };
        if (child == null || !remove(child, words, i + 1, value)) {
            return false;
        }
        if (child.isEmpty()) {
            switch (w) {
                case "*" -> n.star = null;
                case "#" -> n.hash = null;
                default -> n.words.remove(w);
            }
        }
        return true;
    }

    /**
     * Every value whose pattern matches the key, each once, in no particular order; unmodifiable, and shared with
     * later calls for the same key until the next add or remove.
     */
    public Set<T> match(String key) {
        Set<T> hit = cache.get(key);
        if (hit != null) {
            return hit;
        }
        Set<T> out = new LinkedHashSet<>();
        match(root, RoutingKeys.words(key), 0, out);
        Set<T> result = out.isEmpty() ? Collections.emptySet() : Collections.unmodifiableSet(out);
        if (cache.size() >= CACHE_MAX) {
            cache.clear();
        }
        cache.put(key, result);
        return result;
    }

    private void match(Node<T> n, List<String> words, int i, Set<T> out) {
        if (n.hash != null) {
            // '#' swallows zero or more words: try every remaining suffix.
            for (int j = i; j <= words.size(); j++) {
                match(n.hash, words, j, out);
            }
        }
        if (i == words.size()) {
            out.addAll(n.values);
            return;
        }
        Node<T> exact = n.words.get(words.get(i));
        if (exact != null) {
            match(exact, words, i + 1, out);
        }
        if (n.star != null) {
            match(n.star, words, i + 1, out);
        }
    }

    public int size() {
        return size;
    }
}

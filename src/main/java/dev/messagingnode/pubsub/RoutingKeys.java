package dev.messagingnode.pubsub;

import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import java.util.ArrayList;
import java.util.List;

/**
 * Routing keys and subscription patterns: at most 255 characters; words separated by '.'; a word is letters,
 * digits, '-' and '_' (possibly empty, as in AMQP). Patterns may also use the words {@code *} and {@code #}.
 */
public final class RoutingKeys {

    public static final int MAX_LENGTH = 255;

    private RoutingKeys() {
    }

    /** The words of a key or pattern; the empty key has no words. */
    static List<String> words(String key) {
        List<String> words = new ArrayList<>(8);
        if (key.isEmpty()) {
            return words;
        }
        int start = 0;
        for (int i = 0; i <= key.length(); i++) {
            if (i == key.length() || key.charAt(i) == '.') {
                words.add(key.substring(start, i));
                start = i + 1;
            }
        }
        return words;
    }

    /** Checks a publish key: no wildcards. */
    public static String validateKey(String key) {
        check(key, false);
        return key;
    }

    /** Checks a subscription pattern: wildcards only as whole words. */
    public static String validatePattern(String pattern) {
        check(pattern, true);
        return pattern;
    }

    /**
     * Every publish is checked (by the client and again by the exchange) and matched: the usual key, a valid one,
     * takes one pass over its characters without allocating; only a key that fails goes through
     * {@link #explainWhy}, which names what is wrong.
     */
    private static void check(String key, boolean pattern) {
        if (key == null || key.length() > MAX_LENGTH || !isWellFormed(key, pattern)) {
            explainWhy(key, pattern);
        }
    }

    /** What {@link #explainWhy} accepts, in one pass: non-empty words of allowed characters, wildcards whole. */
    static boolean isWellFormed(String key, boolean pattern) {
        int n = key.length();
        int wordStart = 0;
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (c == '.') {
                if (i == wordStart) {
                    return false; // an empty word: a leading dot, or two in a row
                }
                wordStart = i + 1;
            } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                || c == '_')) {
                boolean wholeWildcard = (c == '*' || c == '#') && i == wordStart
                    && (i + 1 == n || key.charAt(i + 1) == '.');
                if (!(pattern && wholeWildcard)) {
                    return false;
                }
            }
        }
        return n == 0 || wordStart < n; // the empty key has no words; a trailing dot leaves an empty one
    }

    /** Throws the precise problem with {@code key}; returns when it has none. */
    static void explainWhy(String key, boolean pattern) {
        String what = pattern ? "subscription pattern" : "routing key";
        if (key == null) {
            throw new MessagingException(Failure.INVALID, what + " is missing");
        }
        if (key.length() > MAX_LENGTH) {
            throw new MessagingException(Failure.INVALID,
                what + " is " + key.length() + " characters long; at most " + MAX_LENGTH + " are allowed");
        }
        for (String w : words(key)) {
            if (w.isEmpty()) {
                throw new MessagingException(Failure.INVALID, what + " '" + key + "' has an empty word: words are"
                    + " separated by single dots, with none at the start or the end");
            }
            if (w.equals("*") || w.equals("#")) {
                if (!pattern) {
                    throw new MessagingException(Failure.INVALID, "routing key '" + key
                        + "' contains the wildcard '" + w + "'; wildcards belong in subscription patterns");
                }
                continue;
            }
            for (int i = 0; i < w.length(); i++) {
                char c = w.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
                if (!ok) {
                    throw new MessagingException(Failure.INVALID, what + " '" + key + "': word '" + w
                        + "' may contain only letters, digits, '-' and '_'"
                        + (pattern ? ", or be exactly '*' or '#'" : ""));
                }
            }
        }
    }
}

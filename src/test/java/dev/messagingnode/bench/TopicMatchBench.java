package dev.messagingnode.bench;

import dev.messagingnode.pubsub.TopicTrie;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Routing-key matching with thousands of subscriptions: the trie against a scan that tests every subscription's
 * pattern in turn (what a plain list of subscriptions would do). Not a test: run it with {@code bench/local.sh topic}.
 */
public final class TopicMatchBench {

    private static final String[] REGIONS = {"eu", "us", "ap", "sa", "af"};
    private static final String[] KINDS = {"created", "updated", "deleted", "shipped", "paid", "refunded"};

    public static void main(String[] args) {
        int subscriptions = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int keys = 200_000;
        Random random = new Random(42);
        List<String> patterns = new ArrayList<>();
        for (int i = 0; i < subscriptions; i++) {
            String service = "svc" + random.nextInt(subscriptions / 4 + 1);
            patterns.add(switch (random.nextInt(4)) {
                case 0 -> service + "." + pick(random, KINDS) + "." + pick(random, REGIONS);
                case 1 -> service + ".*." + pick(random, REGIONS);
                case 2 -> service + "." + pick(random, KINDS) + ".#";
                default -> "#." + pick(random, REGIONS) + ".shard" + random.nextInt(64);
            });
        }
        String[] sample = new String[keys];
        for (int i = 0; i < keys; i++) {
            sample[i] = "svc" + random.nextInt(subscriptions / 4 + 1) + "." + pick(random, KINDS) + "."
                + pick(random, REGIONS);
        }
        TopicTrie<Integer> trie = new TopicTrie<>();
        List<Listed> scan = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            trie.add(patterns.get(i), i);
            scan.add(new Listed(words(patterns.get(i))));
        }
        // Both must agree before either is timed.
        for (int i = 0; i < 2_000; i++) {
            int viaScan = 0;
            String[] key = words(sample[i]);
            for (Listed p : scan) {
                viaScan += p.matches(key) ? 1 : 0;
            }
            if (viaScan != trie.match(sample[i]).size()) {
                throw new IllegalStateException("trie and scan disagree on " + sample[i]);
            }
        }
        long matched = 0;
        for (int round = 0; round < 3; round++) {
            matched += runTrie(trie, sample); // warm-up
        }
        long t0 = System.nanoTime();
        matched += runTrie(trie, sample);
        double trieNs = (System.nanoTime() - t0) / (double) keys;
        int scanKeys = Math.max(200, keys / Math.max(1, subscriptions / 100));
        runScan(scan, sample, scanKeys / 4);
        long t1 = System.nanoTime();
        matched += runScan(scan, sample, scanKeys);
        double scanNs = (System.nanoTime() - t1) / (double) scanKeys;
        System.out.printf("subscriptions=%d  trie: %.0f ns/key (%.0f keys/s)  scan: %.0f ns/key (%.0f keys/s)"
                + "  trie/scan speed-up: %.0fx  (checksum %d)%n", subscriptions, trieNs, 1e9 / trieNs, scanNs,
            1e9 / scanNs, scanNs / trieNs, matched);
    }

    private static long runTrie(TopicTrie<Integer> trie, String[] sample) {
        long n = 0;
        for (String key : sample) {
            n += trie.match(key).size();
        }
        return n;
    }

    private static long runScan(List<Listed> scan, String[] sample, int count) {
        long n = 0;
        for (int i = 0; i < count; i++) {
            String[] key = words(sample[i]);
            for (Listed p : scan) {
                if (p.matches(key)) {
                    n++;
                }
            }
        }
        return n;
    }

    private static String pick(Random r, String[] values) {
        return values[r.nextInt(values.length)];
    }

    /** One subscription in a plain list: its pattern's words, tested against every key (the scan). */
    record Listed(String[] words) {
        boolean matches(String[] key) {
            return match(0, key, 0);
        }

        private boolean match(int p, String[] key, int k) {
            if (p == words.length) {
                return k == key.length;
            }
            if (words[p].equals("#")) {
                for (int j = k; j <= key.length; j++) {
                    if (match(p + 1, key, j)) {
                        return true;
                    }
                }
                return false;
            }
            return k < key.length && (words[p].equals("*") || words[p].equals(key[k])) && match(p + 1, key, k + 1);
        }
    }

    private static String[] words(String key) {
        return key.isEmpty() ? new String[0] : key.split("\\.", -1);
    }
}

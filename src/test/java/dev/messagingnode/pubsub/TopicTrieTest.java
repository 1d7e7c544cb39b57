package dev.messagingnode.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TopicTrieTest {

    @ParameterizedTest(name = "{0} ~ \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', value = {
        "a.b.c   | a.b.c     | true",
        "a.b.c   | a.b       | false",
        "a.*.c   | a.b.c     | true",
        "a.*.c   | a.c       | false",
        "a.*.c   | a.b.b.c   | false",
        "*       | a         | true",
        "*       | ''        | false",
        "*.*     | a         | false",
        "#       | ''        | true",
        "#       | a.b.c     | true",
        "a.#     | a         | true",
        "a.#     | a.b.c     | true",
        "a.#     | b.a       | false",
        "#.c     | c         | true",
        "#.c     | a.b.c     | true",
        "#.c     | a.b.c.d   | false",
        "a.#.c   | a.c       | true",
        "a.#.c   | a.x.y.c   | true",
        "a.#.c   | a.x.y.d   | false",
        "#.#     | ''        | true",
        "#.#     | a.b       | true",
        "*.#     | ''        | false",
        "*.#     | a         | true",
        "#.*     | a.b.c     | true",
        "a.*.#   | a.b       | true",
        "a.*.#   | a         | false",
        "a..b    | a..b      | true",
        "a.*.b   | a..b      | true",
        "stock.usd.* | stock.usd.nyse | true",
        "stock.usd.* | stock.eur.nyse | false"})
    void matchesWithAmqpTopicSemantics(String pattern, String key, boolean matches) {
        TopicTrie<String> trie = new TopicTrie<>();
        trie.add(pattern, "s");
        assertThat(trie.match(key).contains("s")).isEqualTo(matches);
    }

    @Test
    void returnsEachSubscriptionOnceEvenWhenSeveralPathsMatch() {
        TopicTrie<String> trie = new TopicTrie<>();
        trie.add("#.#.#", "s");
        trie.add("a.#", "t");
        trie.add("a.#", "u");
        assertThat(trie.match("a.b.c")).containsExactlyInAnyOrder("s", "t", "u");
    }

    @Test
    void removingTheLastSubscriptionPrunesItsBranch() {
        TopicTrie<String> trie = new TopicTrie<>();
        trie.add("a.*.c", "s");
        trie.add("a.*.c", "t");
        assertThat(trie.remove("a.*.c", "s")).isTrue();
        assertThat(trie.match("a.b.c")).containsExactly("t");
        assertThat(trie.remove("a.*.c", "t")).isTrue();
        assertThat(trie.remove("a.*.c", "t")).isFalse();
        assertThat(trie.match("a.b.c")).isEmpty();
        assertThat(trie.size()).isZero();
    }

    @Test
    void aRememberedResultIsForgottenWhenASubscriptionIsAddedOrRemoved() {
        TopicTrie<String> trie = new TopicTrie<>();
        trie.add("a.b", "s");
        assertThat(trie.match("a.b")).containsExactly("s");
        trie.add("a.*", "t");
        assertThat(trie.match("a.b")).containsExactlyInAnyOrder("s", "t");
        trie.remove("a.b", "s");
        assertThat(trie.match("a.b")).containsExactly("t");
        trie.remove("a.*", "t");
        assertThat(trie.match("a.b")).isEmpty();
    }

    @Test
    void moreKeysThanItRemembersStillMatchEachOnItsOwn() {
        TopicTrie<String> trie = new TopicTrie<>();
        trie.add("k.*.even", "even");
        trie.add("k.#", "all");
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < TopicTrie.CACHE_MAX * 3; i++) {
                String key = "k." + i + (i % 2 == 0 ? ".even" : ".odd");
                assertThat(trie.match(key)).as(key).containsExactlyInAnyOrderElementsOf(
                    i % 2 == 0 ? java.util.List.of("even", "all") : java.util.List.of("all"));
            }
        }
    }

    @Test
    void aResultCannotBeChangedByTheCaller() {
        TopicTrie<String> trie = new TopicTrie<>();
        trie.add("a", "s");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> trie.match("a").clear())
            .isInstanceOf(UnsupportedOperationException.class);
        assertThat(trie.match("a")).containsExactly("s");
    }
}

package dev.messagingnode.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RequestTagsTest {

    @Test
    void everyGeneratedTagDiffersFromTheOthersWhateverTheThread() {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        IntStream.range(0, 200_000).parallel().forEach(i -> assertThat(seen.add(RequestTags.generated())).isTrue());
        assertThat(seen).hasSize(200_000);
        assertThat(RequestTags.generated()).matches("[0-9a-f]+-[0-9a-f]+");
    }
}

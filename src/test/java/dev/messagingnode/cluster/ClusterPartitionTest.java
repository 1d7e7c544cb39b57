package dev.messagingnode.cluster;

import static dev.messagingnode.testing.LocalNode.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.cluster.jgroups.Partitions;
import dev.messagingnode.exchange.ExchangeDefinition;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A partition and its healing: each side goes on alone, the same name gets two definitions, and after the merge
 * every member agrees on one (the older) and the other side steps down.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterPartitionTest {

    @Test
    void afterAPartitionHealsTheDirectoryConvergesOnOneDefinition() throws Exception {
        try (ClusterNodes nodes = new ClusterNodes(3)) {
            ClusterNodes.Member m1 = nodes.get(0);
            ClusterNodes.Member m2 = nodes.get(1);
            ClusterNodes.Member m3 = nodes.get(2);
            await(m2.registry.create(ExchangeDefinition.of("shared", "request-response")));
            await().until(() -> m3.directory.directory().get("shared").isPresent());

            Partitions.isolate(m3.cluster);
            await().atMost(Duration.ofSeconds(30)).until(() -> m3.cluster.members().size() == 1
                && m1.cluster.members().size() == 2);
            // Each side goes on: m3 no longer sees "shared", and both sides define "split" their own way,
            // the majority side first.
            await().until(() -> m3.directory.directory().get("shared").isEmpty());
            await(m1.registry.create(ExchangeDefinition.of("split", "pubsub")));
            long firstCreated = System.currentTimeMillis();
            await().until(() -> System.currentTimeMillis() > firstCreated); // so that m1's is strictly older
            await(m3.registry.create(ExchangeDefinition.of("split", "sink")));

            Partitions.heal(m3.cluster);
            await().atMost(Duration.ofSeconds(40)).until(() ->
                nodes.members.stream().allMatch(m -> m.cluster.members().size() == 3));
            await().atMost(Duration.ofSeconds(20)).until(() -> nodes.members.stream().allMatch(m ->
                m.directory.directory().get("split").map(e -> e.definition().pattern().equals("pubsub")
                    && e.hosts().equals(java.util.List.of("m1"))).orElse(false)
                && m.directory.directory().get("shared").map(e -> e.hosts().contains("m2")).orElse(false)));
            assertThat(m3.registry.isRunning("split")).as("the younger definition stepped down").isFalse();
            assertThat(m1.directory.directory().entries()).isEqualTo(m3.directory.directory().entries());
        }
    }
}

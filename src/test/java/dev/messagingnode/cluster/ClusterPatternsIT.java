package dev.messagingnode.cluster;

import static dev.messagingnode.testing.LocalNode.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.rpc.Reply;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every pattern end to end across processes: two packaged nodes host the demo exchanges and run the demo services
 * (echo, count, greeter); a member in this JVM, hosting nothing, is the client, subscriber, sink consumer and
 * worker. Replies, chunks and dialogue turns come from services in the other processes.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterPatternsIT {

    private ProcessCluster cluster;
    private ClusterNodes.Member member;

    @BeforeEach
    void cluster() throws Exception {
        cluster = ProcessCluster.start("patterns", Map.of("MESSAGING_DEMO_ENABLED", "true"));
        member = cluster.member;
        await().atMost(Duration.ofSeconds(60)).until(() ->
            member.directory.directory().get("demo-echo").map(e -> e.hosts().size() == 2).orElse(false)
            && member.directory.directory().get("demo-jobs").isPresent());
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The demo services register once their node has started: retry until one answers. */
    private Reply call(String exchange, String body) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> {
            try {
                return await(member.client.call(exchange, Buffer.buffer(body)));
            } catch (RuntimeException notYet) {
                return null;
            }
        }, r -> r != null);
    }

    @Test
    void requestResponseChunkedAndDialogueWithServicesInOtherProcesses() {
        for (int i = 0; i < 20; i++) {
            assertThat(call("demo-echo", "hello " + i).message().toString()).isEqualTo("hello " + i);
        }
        Reply stream = call("demo-count", "50");
        List<String> chunks = new CopyOnWriteArrayList<>();
        stream.stream().handler(b -> chunks.add(b.toString()));
        await(stream.stream().completion());
        assertThat(chunks).containsExactlyElementsOf(
            IntStream.rangeClosed(1, 50).mapToObj(i -> i + "\n").collect(Collectors.toList()));
        Reply question = call("demo-greeter", "");
        assertThat(question.message().toString()).isEqualTo("What is your name?");
        assertThat(await(question.answer(Buffer.buffer("Ada"))).message().toString()).isEqualTo("Hello, Ada!");
    }

    @Test
    void pubsubSinkAndTasksThroughExchangesInOtherProcesses() {
        Set<String> published = ConcurrentHashMap.newKeySet();
        await(member.client.subscribe("demo-events", "orders.#", "t", d -> published.add(d.message().toString()))
            .attached());
        Set<String> consumed = ConcurrentHashMap.newKeySet();
        await(member.client.consume("demo-logs", batch -> batch.forEach(d -> consumed.add(d.message().toString())))
            .attached());
        Set<String> worked = ConcurrentHashMap.newKeySet();
        await(member.client.work("demo-jobs", 3, t -> t.ack().onSuccess(v -> worked.add(t.message().toString())))
            .attached());
        for (int i = 0; i < 30; i++) {
            assertThat(await(member.client.publish("demo-events", "orders.created", Buffer.buffer("e" + i))))
                .isEqualTo(1);
            await(member.client.send("demo-logs", Buffer.buffer("l" + i)));
            await(member.client.enqueue("demo-jobs", Buffer.buffer("j" + i), i % 10));
        }
        Set<String> expected = IntStream.range(0, 30).mapToObj(String::valueOf).collect(Collectors.toSet());
        await().atMost(Duration.ofSeconds(20)).until(() -> published.size() == 30 && consumed.size() == 30
            && worked.size() == 30);
        assertThat(published.stream().map(s -> s.substring(1)).collect(Collectors.toSet())).isEqualTo(expected);
        assertThat(consumed.stream().map(s -> s.substring(1)).collect(Collectors.toSet())).isEqualTo(expected);
        assertThat(worked.stream().map(s -> s.substring(1)).collect(Collectors.toSet())).isEqualTo(expected);
    }
}

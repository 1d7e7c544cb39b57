package dev.messagingnode.node;

import static dev.messagingnode.testing.LocalNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.rpc.Reply;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The embedded default's demo services answer in each of the three ways. */
@QuarkusTest
@TestProfile(DemoServicesTest.DemoOn.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoServicesTest {

    public static class DemoOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("messaging.demo.enabled", "true");
        }
    }

    @Inject
    MessagingClient client;

    private Reply call(String exchange, String body) {
        return org.awaitility.Awaitility.await().until(() -> {
            try {
                return await(client.call(exchange, Buffer.buffer(body)));
            } catch (RuntimeException notYetRegistered) {
                return null;
            }
        }, r -> r != null);
    }

    @Test
    void echoRepliesWithTheRequest() {
        assertThat(call("demo-echo", "hello").message().toString()).isEqualTo("hello");
    }

    @Test
    void blobStreamsTotalBytesInChunksAndRefusesNonsense() {
        Reply reply = call("demo-blob", "10 4");
        List<String> chunks = new CopyOnWriteArrayList<>();
        reply.stream().handler(b -> chunks.add(b.toString()));
        await(reply.stream().completion());
        assertThat(chunks).containsExactly("xxxx", "xxxx", "xx");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> await(client.call("demo-blob",
            Buffer.buffer("lots")))))
            .hasMessageContaining("TOTAL CHUNK");
    }

    @Test
    void countStreamsNumberedChunks() {
        Reply reply = call("demo-count", "3");
        List<String> chunks = new CopyOnWriteArrayList<>();
        reply.stream().handler(b -> chunks.add(b.toString()));
        await(reply.stream().completion());
        assertThat(chunks).containsExactly("1\n", "2\n", "3\n");
    }

    @Test
    void greeterAsksForANameThenGreets() {
        Reply question = call("demo-greeter", "");
        assertThat(question.message().toString()).isEqualTo("What is your name?");
        assertThat(await(question.answer(Buffer.buffer("Ada"))).message().toString()).isEqualTo("Hello, Ada!");
    }
}

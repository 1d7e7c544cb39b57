package dev.messagingnode.remoteclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.bridge.EventBusBridges;
import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.Registration;
import dev.messagingnode.tasks.Task;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Java remote client over the binary framing, every pattern, against the node in this JVM. */
@QuarkusTest
class RemoteClientTest {

    @Inject
    EventBusBridges bridges;

    @Inject
    MessagingClient node;

    private RemoteClient client;

    @BeforeEach
    void connect() {
        client = RemoteClient.connect("127.0.0.1", bridges.tcpPort());
    }

    @AfterEach
    void close() {
        client.close();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private void create(String name, String pattern) {
        node.createExchange(ExchangeDefinition.of(name, pattern)).toCompletionStage().toCompletableFuture().join();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T get(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRemoteServiceAnswersARemoteRequesterAndBodiesStayBytes() throws Exception {
        String name = unique("rpc");
        create(name, "request-response");
        RemoteRegistration service = client.serve(name, 16, work -> {
            byte[] in = work.message();
            byte[] out = new byte[in.length + 1];
            out[0] = (byte) 0xFF; // not UTF-8: raw bytes both ways, no base64
            System.arraycopy(in, 0, out, 1, in.length);
            work.reply(out);
        });
        get(service.attached());
        RemoteReply reply = get(client.request(name, new byte[] {0, (byte) 0xFE},
            RequestOptions.NONE.withHeaders(Map.of("h", "v"))));
        assertThat(reply.kind()).isEqualTo(RemoteReply.Kind.MESSAGE);
        assertThat(reply.message()).containsExactly(0xFF, 0, 0xFE);

        assertThatThrownBy(() -> get(client.request(unique("none"), bytes("x"))))
            .hasCauseInstanceOf(RemoteException.class)
            .cause().satisfies(e -> {
                assertThat(((RemoteException) e).failure()).isEqualTo(Failure.NO_SUCH_EXCHANGE);
                assertThat(((RemoteException) e).detail()).contains("no exchange named");
            });
        get(service.close());
    }

    @Test
    void chunkedAnswersAndDialogues() throws Exception {
        String streaming = unique("stream");
        create(streaming, "request-response");
        Registration chunks = node.register(streaming, req -> writeFrom(req.stream(), 0, 20));
        await().until(() -> chunks.state() == Registration.State.ATTACHED);
        List<String> got = new CopyOnWriteArrayList<>();
        RemoteReply stream = get(client.request(streaming, bytes("go"),
            RequestOptions.NONE.withChunks(c -> got.add(new String(c, StandardCharsets.UTF_8)))));
        assertThat(stream.kind()).isEqualTo(RemoteReply.Kind.STREAM);
        long count = get(stream.streamEnd());
        assertThat(got).hasSize(20).startsWith("c0", "c1").endsWith("c19");
        assertThat(count).isEqualTo(20L);
        RemoteReply collected = get(client.request(streaming, bytes("again")));
        assertThat(get(collected.chunks())).hasSize(20);
        chunks.unregister();

        String talk = unique("dialogue");
        create(talk, "request-response");
        Registration asking = node.register(talk, req -> req.ask(Buffer.buffer("name?"))
            .onSuccess(answer -> answer.reply(Buffer.buffer("hello " + answer.message()))));
        await().until(() -> asking.state() == Registration.State.ATTACHED);
        RemoteReply question = get(client.request(talk, bytes("hi")));
        assertThat(question.kind()).isEqualTo(RemoteReply.Kind.QUESTION);
        assertThat(question.text()).isEqualTo("name?");
        RemoteReply last = get(question.answer(bytes("ada")));
        assertThat(last.text()).isEqualTo("hello ada");
        asking.unregister();
    }

    /** Writes chunks {@code i..n-1} one after another, each once the last was taken, then ends. */
    private static void writeFrom(dev.messagingnode.rpc.ChunkedResponse out, int i, int n) {
        if (i == n) {
            out.end();
        } else {
            out.write(Buffer.buffer("c" + i)).onSuccess(v -> writeFrom(out, i + 1, n));
        }
    }

    @Test
    void publishConfirmedAndFireAndForgetReachASubscriber() throws Exception {
        String name = unique("events");
        create(name, "pubsub");
        List<RemoteDelivery> deliveries = new CopyOnWriteArrayList<>();
        RemoteRegistration sub = client.subscribe(name, "orders.*", deliveries::add);
        get(sub.attached());
        assertThat(get(client.publish(name, "orders.eu", bytes("one"), Map.of("k", "v")))).isEqualTo(1);
        client.publishAndForget(name, "orders.us", bytes("two"));
        client.publishAndForget(name, "other.us", bytes("not matched"));
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.size() == 2);
        assertThat(deliveries.get(0).text()).isEqualTo("one");
        assertThat(deliveries.get(0).key()).isEqualTo("orders.eu");
        assertThat(deliveries.get(0).headers()).containsEntry("k", "v");
        assertThat(deliveries.get(1).text()).isEqualTo("two");

        // Bad input to a fire-and-forget publish comes back to the error handler, with the wire code.
        List<RemoteException> errors = new CopyOnWriteArrayList<>();
        client.onError(errors::add);
        client.publishAndForget(name, "bad..key", bytes("x"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !errors.isEmpty());
        assertThat(errors.get(0).failure()).isEqualTo(Failure.INVALID);
        get(sub.close());
        assertThat(get(client.publish(name, "orders.eu", bytes("after")))).isZero();
    }

    @Test
    void sinkMessagesAndTasksAreWorkedRemotely() throws Exception {
        String sink = unique("sink");
        create(sink, "sink");
        List<String> consumed = new CopyOnWriteArrayList<>();
        RemoteRegistration consumer = client.consume(sink, batch -> {
            batch.messages().forEach(m -> consumed.add(m.text()));
            batch.ack();
        });
        get(consumer.attached());
        get(client.send(sink, bytes("log-1")));
        get(client.send(sink, bytes("log-2")));
        await().atMost(Duration.ofSeconds(10)).until(() -> consumed.size() == 2);
        assertThat(consumed).containsExactly("log-1", "log-2");

        String jobs = unique("jobs");
        create(jobs, "tasks");
        List<String> worked = new CopyOnWriteArrayList<>();
        RemoteRegistration worker = client.work(jobs, 1, task -> {
            if (!task.redelivered()) {
                task.nack(null); // the first delivery is given back, the second acked
            } else {
                worked.add(task.text() + "#" + task.deliveryCount());
                task.ack();
            }
        });
        get(worker.attached());
        long id = get(client.enqueue(jobs, bytes("job"), 3));
        assertThat(id).isPositive();
        await().atMost(Duration.ofSeconds(10)).until(() -> worked.size() == 1);
        assertThat(worked.get(0)).isEqualTo("job#2");
        get(worker.close());

        // A Java worker in the node gets what the remote client enqueued.
        List<Task> local = new CopyOnWriteArrayList<>();
        Registration javaWorker = node.work(jobs, 1, t -> {
            local.add(t);
            t.ack();
        });
        get(client.enqueue(jobs, bytes("for-java"), 0));
        await().atMost(Duration.ofSeconds(10)).until(() -> local.size() == 1);
        assertThat(local.get(0).message().toString()).isEqualTo("for-java");
        javaWorker.unregister();
    }

    @Test
    void aWrongPortIsTheConnectFailureAndAClosedClientRefuses() {
        assertThatThrownBy(() -> RemoteClient.connect("127.0.0.1", bridges.tcpPort() == 1 ? 2 : 1))
            .isInstanceOf(RemoteException.class).hasMessageContaining("cannot connect");
        client.close();
        assertThatThrownBy(() -> client.request("x", bytes("y")).join()).isInstanceOf(CompletionException.class)
            .cause().hasMessageContaining("closed");
    }
}

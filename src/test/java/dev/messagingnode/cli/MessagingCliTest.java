package dev.messagingnode.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.Delivery;
import dev.messagingnode.pubsub.Subscription;
import dev.messagingnode.tasks.Task;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The command-line tool against the node in this JVM: every command, its text and JSON output, its exit codes. */
@QuarkusTest
@io.quarkus.test.junit.TestProfile(MessagingCliTest.DemoOn.class)
class MessagingCliTest {

    /** With the demo services, as the embedded default runs them. */
    public static final class DemoOn implements io.quarkus.test.junit.QuarkusTestProfile {
        @Override
        public java.util.Map<String, String> getConfigOverrides() {
            return java.util.Map.of("messaging.demo.enabled", "true");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Inject
    MessagingClient client;

    record Result(int status, String out, String err) {
    }

    private Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 1];
        all[0] = "--server=" + base.toString();
        System.arraycopy(args, 0, all, 1, args.length);
        int status = new MessagingCli(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8)).run(all);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void exchangesAreListedShownCreatedAndDeletedAndABadNameShowsTheNodesDetail() {
        Result list = cli("exchanges");
        assertThat(list.status()).isZero();
        assertThat(list.out()).contains("NAME").contains("demo-echo").contains("request-response");

        String name = unique("jobs");
        Result created = cli("exchanges", "create", name, "tasks", "max-queued=50");
        assertThat(created.status()).as(created.err()).isZero();
        assertThat(created.out()).contains("exchange " + name + " (tasks) created");
        Result shown = cli("--json", "exchanges", "show", name);
        assertThat(new JsonObject(shown.out()).getJsonObject("options").getValue("max-queued")).hasToString("50");

        Result bad = cli("exchanges", "create", "Bad Name!", "tasks");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).startsWith("error: ").contains("(400, code 4008)");

        assertThat(cli("exchanges", "delete", name).out()).contains("deleted");
        Result gone = cli("exchanges", "show", name);
        assertThat(gone.status()).isEqualTo(1);
        assertThat(gone.err()).contains("404");
    }

    @Test
    void requestsGetRepliesStreamsAndQuestions() {
        // the demo services register just after the node starts
        org.awaitility.Awaitility.await().until(() -> cli("request", "demo-greeter", "x").status() == 0
            && cli("request", "demo-count", "1").status() == 0);
        Result echo = cli("request", "demo-echo", "hello");
        assertThat(echo.status()).as(echo.err()).isZero();
        assertThat(echo.out().trim()).isEqualTo("hello");

        Result count = cli("request", "demo-count", "3");
        assertThat(count.out().lines().toList()).containsExactly("1", "2", "3");
        assertThat(count.err()).contains("(3 chunks)");

        Result question = cli("--json", "request", "demo-greeter", "hi");
        JsonObject q = new JsonObject(question.out());
        assertThat(q.getString("kind")).isEqualTo("question");
        assertThat(q.getString("message")).isEqualTo("What is your name?");
        assertThat(cli("answer", q.getString("dialogue"), "Ada").out().trim()).isEqualTo("Hello, Ada!");

        Result none = cli("request", unique("none"), "x");
        assertThat(none.status()).isEqualTo(1);
        assertThat(none.err()).contains("no exchange named").contains("code 4001");
    }

    @Test
    void publishSubscribeSendEnqueueAndWork() throws Exception {
        List<Delivery> got = new CopyOnWriteArrayList<>();
        Subscription sub = client.subscribe("demo-events", "cli.*", null, got::add);
        sub.attached().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(cli("publish", "demo-events", "cli.one", "{\"id\":1}").out()).contains("matched 1");
        assertThat(cli("publish", "--forget", "demo-events", "cli.two", "x").out()).contains("not confirmed");
        org.awaitility.Awaitility.await().until(() -> got.size() == 2);
        sub.unregister();

        // subscribe prints deliveries as they come, until --count of them
        CompletableFuture<Result> listening = CompletableFuture.supplyAsync(() ->
            cli("subscribe", "demo-events", "cli.#", "--count=2"));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
            client.publish("demo-events", "cli.x", io.vertx.core.buffer.Buffer.buffer("ping")).toCompletionStage()
                .toCompletableFuture().get() > 0);
        client.publish("demo-events", "cli.y", io.vertx.core.buffer.Buffer.buffer("pong"));
        Result subscribed = listening.get(20, TimeUnit.SECONDS);
        assertThat(subscribed.out()).contains("cli.x ping").contains("cli.y pong");

        assertThat(cli("send", "demo-logs", "a line").out()).contains("sent");

        String jobs = unique("cli-jobs");
        assertThat(cli("exchanges", "create", jobs, "tasks").status()).isZero();
        assertThat(cli("enqueue", jobs, "first", "--priority=3").out()).contains("enqueued task");
        Result worked = cli("work", jobs, "--count=1");
        assertThat(worked.status()).as(worked.err()).isZero();
        assertThat(worked.out()).contains("priority 3").contains(": first");
        // --fail nacks: the task comes back and a Java worker gets it redelivered
        cli("enqueue", jobs, "again");
        assertThat(cli("work", jobs, "--fail", "--count=1").out()).contains(": again");
        List<Task> redelivered = new CopyOnWriteArrayList<>();
        var worker = client.work(jobs, 1, t -> {
            redelivered.add(t);
            t.ack();
        });
        org.awaitility.Awaitility.await().until(() -> !redelivered.isEmpty());
        assertThat(redelivered.get(0).redelivered()).isTrue();
        worker.unregister();
        cli("exchanges", "delete", jobs);
    }

    @Test
    void membersAndUsageErrors() {
        Result members = cli("--json", "members");
        JsonObject m = new JsonObject(members.out());
        assertThat(m.getJsonArray("members")).hasSize(1);
        assertThat(m.getJsonArray("members").getJsonObject(0).getJsonArray("exchanges").getList()).contains("demo-echo");
        assertThat(cli("members").out()).contains("coordinator*");
        Result unknown = cli("frobnicate");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown command 'frobnicate'").contains("usage:");
        assertThat(cli("request", "demo-echo").err()).contains("request needs MESSAGE");
        int unreachable = new MessagingCli(new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(new ByteArrayOutputStream())).run(new String[] {"--server=http://127.0.0.1:1", "members"});
        assertThat(unreachable).isEqualTo(1);
    }
}

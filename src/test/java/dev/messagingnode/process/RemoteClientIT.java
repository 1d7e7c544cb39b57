package dev.messagingnode.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.remoteclient.RemoteClient;
import dev.messagingnode.remoteclient.RemoteClientOptions;
import dev.messagingnode.remoteclient.RemoteDelivery;
import dev.messagingnode.remoteclient.RemoteException;
import dev.messagingnode.remoteclient.RemoteRegistration;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Java remote client against the packaged node: a program with only the client jar, and reconnection. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RemoteClientIT {

    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void aProgramWithOnlyTheClientJarOnItsClasspathUsesEveryPattern() throws Exception {
        Path jar = clientJar();
        // The client jar holds no Quarkus, Vert.x or Netty class: it is the client and the failure catalogue.
        try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
            List<String> classes = zip.stream().map(java.util.zip.ZipEntry::getName).filter(n -> n.endsWith(".class"))
                .toList();
            assertThat(classes).allMatch(n -> n.startsWith("dev/messagingnode/remoteclient/")
                || n.equals("dev/messagingnode/exchange/Failure.class"));
        }
        Path programDir = Files.createTempDirectory("remote-client-program");
        Path packageDir = Files.createDirectories(programDir.resolve("dev/messagingnode/process"));
        try (Stream<Path> classes = Files.list(Path.of("target/test-classes/dev/messagingnode/process"))) {
            for (Path c : classes.filter(p -> p.getFileName().toString().startsWith("RemoteClientProgram")).toList()) {
                Files.copy(c, packageDir.resolve(c.getFileName()));
            }
        }
        try (NodeProcess node = NodeProcess.start("remote-client-program", Map.of())) {
            node.awaitReady(START);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(node.get("/q/metrics").body()).contains("messaging_services{exchange=\"demo-count\""));
            Process program = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", jar + java.io.File.pathSeparator + programDir, RemoteClientProgram.class.getName(),
                "127.0.0.1", String.valueOf(node.bridgePort())).redirectErrorStream(true).start();
            String output = new String(program.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(program.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(program.exitValue()).as(output).isZero();
            assertThat(output).contains("echo=hello")
                .contains("count=STREAM 5 last=5")
                .contains("greeter=What is your name? / Hello, Ada!")
                .contains("pubsub=1 [confirmed, forgotten]")
                .contains("sink=[a log line]")
                .contains("tasks=true [job@7]")
                .contains("refused=4001 NO_SUCH_EXCHANGE");
        }
    }

    @Test
    void theClientReconnectsAfterANodeRestartAndOpensItsPartiesAgain() throws Exception {
        int http = NodeProcess.freePort();
        int bridge = NodeProcess.freePort();
        Map<String, String> env = Map.of("QUARKUS_HTTP_PORT", String.valueOf(http),
            "MESSAGING_BRIDGE_TCP_PORT", String.valueOf(bridge));
        NodeProcess node = NodeProcess.start("remote-client-restart-1", env).awaitReady(START);
        List<RemoteException> errors = new CopyOnWriteArrayList<>();
        try (RemoteClient client = RemoteClient.connect(RemoteClientOptions.of("127.0.0.1", bridge)
            .withReconnect(Duration.ofMillis(50), Duration.ofMillis(500)))) {
            client.onError(errors::add);
            List<String> events = new CopyOnWriteArrayList<>();
            RemoteRegistration sub = client.subscribe("demo-events", "restart.*", (RemoteDelivery d) -> events.add(d.text()));
            List<String> tasks = new CopyOnWriteArrayList<>();
            RemoteRegistration worker = client.work("demo-jobs", 4, t -> {
                tasks.add(t.text());
                t.ack();
            });
            RemoteRegistration service = client.serve("demo-echo", 16, w -> w.reply(("remote:" + w.text()).getBytes()));
            sub.attached().get(10, TimeUnit.SECONDS);
            worker.attached().get(10, TimeUnit.SECONDS);
            service.attached().get(10, TimeUnit.SECONDS);
            client.publish("demo-events", "restart.before", "before".getBytes()).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("before"));
            String firstSubscription = sub.id();

            node.kill(); // kill -9: the client sees its connection reset
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.isConnected());
            assertThat(client.publish("demo-events", "restart.during", "x".getBytes()))
                .failsWithin(Duration.ofSeconds(5));
            node = NodeProcess.start("remote-client-restart-2", env).awaitReady(START);

            await().atMost(Duration.ofSeconds(30)).until(() -> client.isConnected() && sub.id() != null
                && worker.id() != null && service.id() != null);
            assertThat(sub.id()).isNotEqualTo(firstSubscription);
            assertThat(errors).anySatisfy(e -> assertThat(e.detail()).contains("was lost"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                client.publish("demo-events", "restart.after", "after".getBytes()).get(5, TimeUnit.SECONDS);
                assertThat(events).contains("after");
            });
            client.enqueue("demo-jobs", "after-restart".getBytes(), 0).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> tasks.contains("after-restart"));
            // Two services on demo-echo now (the node's demo one and this client's): some answers are ours.
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(client.request("demo-echo", "ping".getBytes()).get(10, TimeUnit.SECONDS).text());
            }
            assertThat(answers).contains("remote:ping");
        } finally {
            node.close();
        }
    }

    private static Path clientJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().endsWith("-client.jar")).findFirst()
                .orElseThrow(() -> new IllegalStateException("target/*-client.jar is missing: ITs run after package"));
        }
    }
}

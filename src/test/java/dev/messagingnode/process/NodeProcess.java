package dev.messagingnode.process;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One node as a real process: the packaged application ({@code target/quarkus-app/quarkus-run.jar}) started with
 * its own environment and HTTP port on 127.0.0.1, its output in {@code target/node-logs/NAME.log}. Tests end it with
 * SIGTERM ({@link #stop}) or SIGKILL ({@link #kill}); {@link #close} makes sure it is gone either way.
 */
public final class NodeProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final String host;
    private final int httpPort;
    private final int bridgePort;
    private final Path log;
    private final Process process;

    private NodeProcess(String name, String host, int httpPort, int bridgePort, Path log, Process process) {
        this.name = name;
        this.host = host;
        this.httpPort = httpPort;
        this.bridgePort = bridgePort;
        this.log = log;
        this.process = process;
    }

    /** Starts a node with the given extra environment, a free HTTP port and a 256 MiB heap. */
    public static NodeProcess start(String name, Map<String, String> env) throws IOException {
        return start(name, env, List.of(), "127.0.0.1");
    }

    /**
     * Starts a node whose command line begins with {@code prefix} (e.g. {@code ip netns exec ns1}) and whose HTTP
     * server and bridge listen on {@code host}.
     */
    public static NodeProcess start(String name, Map<String, String> env, List<String> prefix, String host)
        throws IOException {
        String jar = System.getProperty("node.jar", "target/quarkus-app/quarkus-run.jar");
        if (System.getProperty("native.image.path", "").isBlank() && !Files.exists(Path.of(jar))) {
            throw new IllegalStateException(jar + " is missing: integration tests run after `package`");
        }
        Path logs = Path.of(System.getProperty("node.logs", "target/node-logs"));
        Files.createDirectories(logs);
        Path log = logs.resolve(name + ".log");
        int port = freePort();
        String nativeImage = System.getProperty("native.image.path", "");
        List<String> command = nativeImage.isBlank()
            ? new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Djava.net.preferIPv4Stack=true", "-jar", jar))
            : new ArrayList<>(List.of(nativeImage, "-Xmx256m", "-Djava.net.preferIPv4Stack=true"));
        command.addAll(0, prefix);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        Map<String, String> environment = new HashMap<>(env);
        environment.putIfAbsent("QUARKUS_HTTP_PORT", String.valueOf(port));
        environment.putIfAbsent("QUARKUS_HTTP_HOST", host);
        environment.putIfAbsent("MESSAGING_BRIDGE_TCP_PORT", String.valueOf(freePort()));
        environment.putIfAbsent("MESSAGING_BRIDGE_TCP_HOST", host);
        // A log of its own unless the test restarts a node on the same one: never the project's ./data.
        environment.putIfAbsent("MESSAGING_DURABLE_DATA_DIR", "target/node-data/" + name + "-" + System.nanoTime());
        pb.environment().putAll(environment);
        Process process = pb.start();
        // A test JVM that is stopped (Maven killed, a timeout) takes its node processes with it: a node left behind
        // would hold its ports and its share of the cores in every later test and benchmark.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "stop-" + name));
        return new NodeProcess(name, host, Integer.parseInt(environment.get("QUARKUS_HTTP_PORT")),
            Integer.parseInt(environment.get("MESSAGING_BRIDGE_TCP_PORT")), log, process);
    }

    public int httpPort() {
        return httpPort;
    }

    /** The TCP event bus bridge's port. */
    public int bridgePort() {
        return bridgePort;
    }

    public long pid() {
        return process.pid();
    }

    /** Waits until /q/health/ready answers 200, failing early when the process exits. */
    public NodeProcess awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (get("/q/health/ready").statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " not ready within " + timeout + ":\n" + log());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + httpPort + path))
            .timeout(Duration.ofSeconds(5)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " still running after " + timeout + ":\n" + log());
        }
        return process.exitValue();
    }

    /** SIGTERM, then waits for the exit code. */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        return awaitExit(timeout);
    }

    /** SIGTERM without waiting: the graceful shutdown begins (see {@link #awaitExit}). */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: the node gets no chance to say goodbye. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** The {@code data} of one named check in /q/health/ready, or null when the node does not answer. */
    public io.vertx.core.json.JsonObject readinessData(String check) {
        try {
            io.vertx.core.json.JsonObject health = new io.vertx.core.json.JsonObject(get("/q/health/ready").body());
            for (Object o : health.getJsonArray("checks")) {
                io.vertx.core.json.JsonObject c = (io.vertx.core.json.JsonObject) o;
                if (check.equals(c.getString("name"))) {
                    return c.getJsonObject("data");
                }
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    private static final java.util.Random PORTS = new java.util.Random();
    /** Ports handed out in this JVM: free when checked does not mean nobody else was just given it. */
    private static final java.util.Set<Integer> GIVEN = new java.util.HashSet<>();

    /**
     * A TCP port free on 127.0.0.1 right now, below the kernel's ephemeral range (so no outgoing connection takes it
     * before the node binds it), with the port 100 above it free too (JGroups' FD_SOCK2 listens there).
     */
    public static synchronized int freePort() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20_000 + PORTS.nextInt(9_000);
            if (!GIVEN.contains(port) && !GIVEN.contains(port + 100) && !GIVEN.contains(port - 100)
                && isFree(port) && isFree(port + 100)) {
                GIVEN.add(port);
                return port;
            }
        }
        throw new IOException("no free port found between 20000 and 29100");
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}

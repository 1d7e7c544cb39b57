package dev.messagingnode.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The bench command: drives a running node over its TCP event bus bridge, one workload per run, bounded in time.
 *
 * <pre>
 * bench/bench.sh rpc --clients=1 --in-flight=64 --size=128
 * bench/bench.sh pubsub --publishers=1 --subscribers=4 --size=128 --keys=1
 * bench/bench.sh tasks --producers=1 --workers=3 --prefetch=10 --size=1024 --nack-ratio=0.01 --durable=false
 * bench/bench.sh sink --producers=2 --size=128
 * bench/bench.sh chunked --total=268435456 --chunk=1048576
 * common: --host=127.0.0.1 --port=7000 (bridge) --http-port=8080 (setup) --warmup=2s --duration=5s --format=text|json|csv
 *         --protocol=binary|json  (the Java remote client in the binary framing, or the stock JSON bridge protocol)
 *         pubsub: --confirm=true|false  (confirmed publishes, or fire-and-forget)
 *         tasks: --max-queued=1000000  (the exchange's bound; a producer faster than its workers fills it)
 * </pre>
 *
 * Services, workers, subscribers and consumers are bridge clients of this process too, so each message crosses the
 * loopback to the node and back, as with a broker. Exchanges are created over HTTP ({@code bench-*}) if missing.
 * The default protocol is the Java remote client ({@link RemoteClientWorkloads}); {@code --protocol=json} drives the
 * same workloads over the stock protocol, as a Python or Go bridge client would.
 */
public final class Bench {

    private final Map<String, String> options;
    private final Vertx vertx = Vertx.vertx();
    private final String host;
    private final int port;
    private final Measurement measurement;
    private final long runMs;

    private Bench(Map<String, String> options) {
        this.options = options;
        this.host = text("host", "127.0.0.1");
        this.port = number("port", 7000);
        long warmupMs = duration("warmup", "2s");
        this.runMs = duration("duration", "5s");
        this.measurement = new Measurement(warmupMs, runMs);
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].startsWith("-")) {
            System.err.println("usage: bench rpc|pubsub|tasks|sink|chunked [--option=value ...] (see Bench javadoc)");
            System.exit(2);
        }
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !a.contains("=")) {
                System.err.println("options are --name=value, got " + a);
                System.exit(2);
            }
            options.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        Bench bench = new Bench(options);
        JsonObject result;
        try {
            result = bench.run(args[0]);
        } finally {
            bench.vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        System.out.println(format(result, bench.text("format", "text")));
    }

    JsonObject run(String workload) throws Exception {
        if (options.containsKey("quiet")) {
            measurement.quiet();
        }
        JsonObject parameters = new JsonObject(new HashMap<>(options));
        String protocol = text("protocol", "binary");
        if (protocol.equals("binary")) {
            RemoteClientWorkloads remote = new RemoteClientWorkloads(this, measurement);
            try {
                return runBinary(workload, remote, parameters);
            } finally {
                remote.close();
            }
        }
        if (!protocol.equals("json")) {
            throw new IllegalArgumentException("--protocol is binary or json, not " + protocol);
        }
        switch (workload) {
            case "rpc" -> rpc();
            case "pubsub" -> pubsub();
            case "tasks" -> tasks();
            case "sink" -> sink();
            case "chunked" -> chunked();
            default -> throw new IllegalArgumentException("unknown workload " + workload);
        }
        return finish(workload, parameters);
    }

    private JsonObject runBinary(String workload, RemoteClientWorkloads remote, JsonObject parameters)
        throws Exception {
        switch (workload) {
            case "rpc" -> remote.rpc(ensureExchange("bench-rpc", "request-response"), number("services", 1),
                number("clients", 1), number("in-flight", 1), number("size", 128));
            case "pubsub" -> remote.pubsub(ensureExchange("bench-events", "pubsub"), number("subscribers", 4),
                number("publishers", 1), number("keys", 1), number("size", 128), number("in-flight", 256),
                Boolean.parseBoolean(text("confirm", "true")));
            case "tasks" -> {
                boolean durable = Boolean.parseBoolean(text("durable", "false"));
                remote.tasks(ensureExchange(durable ? "bench-tasks-durable" : "bench-tasks", "tasks", "max-queued",
                    text("max-queued", "1000000"), "durable", String.valueOf(durable)), number("workers", 3),
                    number("prefetch", 10), number("producers", 1), number("size", 1024), number("in-flight", 64),
                    Double.parseDouble(text("nack-ratio", "0")));
            }
            case "sink" -> remote.sink(ensureExchange("bench-sink", "sink", "batch-size", "64", "buffer-size",
                "100000"), number("producers", 1), number("size", 128), number("in-flight", 256));
            case "chunked" -> remote.chunked(Long.parseLong(text("total", String.valueOf(256L << 20))),
                number("chunk", 1 << 20));
            default -> throw new IllegalArgumentException("unknown workload " + workload);
        }
        return finish(workload, parameters);
    }

    private JsonObject finish(String workload, JsonObject parameters) throws Exception {
        measurement.awaitEnd(workload);
        Thread.sleep(200); // let the last operations land
        JsonObject result = measurement.result(workload, runMs, parameters);
        for (String name : created) {
            // what a run leaves queued must not feed the next run
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + host + ":"
                + number("http-port", 8080) + "/exchanges/" + name)).timeout(Duration.ofSeconds(10)).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
        }
        return result;
    }

    private final java.util.List<String> created = new java.util.ArrayList<>();

    // ---- workloads ------------------------------------------------------------------------------------------

    private void rpc() throws Exception {
        String exchange = ensureExchange("bench-rpc", "request-response");
        int clients = number("clients", 1);
        int inFlight = number("in-flight", 1);
        String payload = "x".repeat(number("size", 128));
        for (int s = 0; s < number("services", 1); s++) {
            BridgeClient service = connect();
            String address = "messaging.client.bench-service-" + s;
            on(service, () -> {
                service.register(address, item -> service.send("messaging.api.settle", new JsonObject()
                    .put("party", item.getString("party")).put("item", item.getLong("item")).put("action", "reply")
                    .put("message", item.getString("message"))));
                return service.request("messaging.api.register", new JsonObject().put("exchange", exchange)
                    .put("role", "service").put("limit", Math.min(1000, clients * inFlight)).put("replyTo", address));
            });
        }
        JsonObject request = new JsonObject().put("exchange", exchange).put("message", payload);
        for (int c = 0; c < clients; c++) {
            BridgeClient client = connect();
            windowed(client, inFlight, () -> client.request("messaging.api.request", request), payload.length());
        }
    }

    private void pubsub() throws Exception {
        String exchange = ensureExchange("bench-events", "pubsub");
        int size = number("size", 128);
        for (int s = 0; s < number("subscribers", 4); s++) {
            BridgeClient subscriber = connect();
            String address = "messaging.client.bench-sub-" + s;
            on(subscriber, () -> {
                subscriber.register(address, d -> {
                    String m = d.getString("message");
                    if (m != null) {
                        measurement.record(sentAt(m), m.length());
                    }
                });
                return subscriber.request("messaging.api.subscribe", new JsonObject().put("exchange", exchange)
                    .put("pattern", "bench.#").put("replyTo", address));
            });
        }
        int keys = number("keys", 1);
        long[] published = {0};
        for (int p = 0; p < number("publishers", 1); p++) {
            BridgeClient publisher = connect();
            // keys > 1: publishes go round-robin over bench.k0 .. bench.k<keys-1> (all match the subscriptions)
            if (!Boolean.parseBoolean(text("confirm", "true"))) {
                // the stock protocol's fire-and-forget publish frame; a ping's pong every 256 paces the publisher
                on(publisher, () -> {
                    publishAndForget(publisher, exchange, keys, size, published);
                    return Future.succeededFuture(new JsonObject());
                });
                continue;
            }
            unconfirmedWindow(publisher, number("in-flight", 256), () -> publisher.request("messaging.api.publish",
                new JsonObject().put("exchange", exchange).put("key", "bench.k" + (published[0]++ % keys))
                    .put("message", stamped(size))));
        }
    }

    /** 256 fire-and-forget publishes, then a ping; the next 256 when its pong came. On the publisher's context. */
    private void publishAndForget(BridgeClient publisher, String exchange, int keys, int size, long[] published) {
        if (!measurement.running()) {
            return;
        }
        for (int i = 0; i < 256; i++) {
            publisher.publish(new JsonObject().put("exchange", exchange).put("key", "bench.k" + (published[0]++ % keys))
                .put("message", stamped(size)));
        }
        publisher.ping().onComplete(ar -> publishAndForget(publisher, exchange, keys, size, published));
    }

    private void tasks() throws Exception {
        // Transient unless asked: --durable=true measures the replica set's log (committed on a majority, fsynced).
        boolean durable = Boolean.parseBoolean(text("durable", "false"));
        String exchange = ensureExchange(durable ? "bench-tasks-durable" : "bench-tasks", "tasks", "max-queued",
            text("max-queued", "1000000"), "durable", String.valueOf(durable));
        int size = number("size", 1024);
        double nackRatio = Double.parseDouble(text("nack-ratio", "0"));
        for (int w = 0; w < number("workers", 3); w++) {
            BridgeClient worker = connect();
            String address = "messaging.client.bench-worker-" + w;
            on(worker, () -> {
                worker.register(address, item -> {
                    boolean nack = nackRatio > 0 && ThreadLocalRandom.current().nextDouble() < nackRatio;
                    worker.send("messaging.api.settle", new JsonObject().put("party", item.getString("party"))
                        .put("item", item.getLong("item")).put("action", nack ? "nack" : "ack"));
                    if (!nack) {
                        String m = item.getString("message");
                        measurement.record(sentAt(m), m.length());
                    }
                });
                return worker.request("messaging.api.register", new JsonObject().put("exchange", exchange)
                    .put("role", "worker").put("prefetch", number("prefetch", 10)).put("replyTo", address));
            });
        }
        for (int p = 0; p < number("producers", 1); p++) {
            BridgeClient producer = connect();
            unconfirmedWindow(producer, number("in-flight", 64), () -> producer.request("messaging.api.enqueue",
                new JsonObject().put("exchange", exchange).put("message", stamped(size))));
        }
    }

    private void sink() throws Exception {
        String exchange = ensureExchange("bench-sink", "sink", "batch-size", "64", "buffer-size", "100000");
        BridgeClient consumer = connect();
        on(consumer, () -> {
            consumer.register("messaging.client.bench-consumer", item -> {
                for (Object o : item.getJsonArray("messages")) {
                    String m = ((JsonObject) o).getString("message");
                    measurement.record(sentAt(m), m.length());
                }
                consumer.send("messaging.api.settle", new JsonObject().put("party", item.getString("party"))
                    .put("item", item.getLong("item")).put("action", "ack"));
            });
            return consumer.request("messaging.api.register", new JsonObject().put("exchange", exchange)
                .put("role", "consumer").put("replyTo", "messaging.client.bench-consumer"));
        });
        int size = number("size", 128);
        for (int p = 0; p < number("producers", 1); p++) {
            BridgeClient producer = connect();
            unconfirmedWindow(producer, number("in-flight", 256), () -> producer.request("messaging.api.send",
                new JsonObject().put("exchange", exchange).put("message", stamped(size))));
        }
    }

    /** Needs the node's demo-blob service (the embedded default): it streams TOTAL bytes as CHUNK-byte chunks. */
    private void chunked() throws Exception {
        long total = Long.parseLong(text("total", String.valueOf(256L << 20)));
        int chunk = number("chunk", 1 << 20);
        BridgeClient client = connect();
        String address = "messaging.client.bench-chunks";
        long[] startedAt = {0};
        Runnable[] next = new Runnable[1];
        on(client, () -> {
            client.register(address, c -> {
                if (c.getBoolean("end", false)) {
                    measurement.record(startedAt[0], 0);
                    next[0].run();
                } else if (c.containsKey("error")) {
                    measurement.failed();
                    next[0].run();
                } else {
                    measurement.bytes(c.getString("message").length());
                }
            });
            next[0] = () -> {
                if (!measurement.running()) {
                    return;
                }
                startedAt[0] = System.nanoTime();
                client.request("messaging.api.request", new JsonObject().put("exchange", "demo-blob")
                    .put("message", total + " " + chunk).put("replyTo", address))
                    .onFailure(t -> {
                        measurement.failed();
                        System.err.println("chunked request failed: " + t.getMessage());
                    });
            };
            next[0].run();
            return Future.succeededFuture(new JsonObject());
        });
    }

    // ---- plumbing -------------------------------------------------------------------------------------------

    /** Keeps {@code window} operations going, recording each one's latency. */
    private void windowed(BridgeClient client, int window, java.util.function.Supplier<Future<JsonObject>> op,
                          int bytes) {
        on(client, () -> {
            for (int i = 0; i < window; i++) {
                new Object() {
                    void next() {
                        if (!measurement.running()) {
                            return;
                        }
                        long start = System.nanoTime();
                        op.get().onComplete(ar -> {
                            if (ar.succeeded()) {
                                measurement.record(start, bytes);
                            } else {
                                measurement.failed();
                            }
                            next();
                        });
                    }
                }.next();
            }
            return Future.succeededFuture(new JsonObject());
        });
    }

    /**
     * Keeps {@code window} operations unconfirmed; the consumers record, the producer records each operation's time
     * to its answer (enqueue to accepted).
     */
    private void unconfirmedWindow(BridgeClient client, int window, java.util.function.Supplier<Future<JsonObject>> op) {
        on(client, () -> {
            for (int i = 0; i < window; i++) {
                new Object() {
                    void next() {
                        if (measurement.running()) {
                            long start = System.nanoTime();
                            op.get().onComplete(ar -> {
                                if (ar.failed()) {
                                    measurement.failed();
                                } else {
                                    measurement.accepted(start);
                                }
                                next();
                            });
                        }
                    }
                }.next();
            }
            return Future.succeededFuture(new JsonObject());
        });
    }

    private final Map<BridgeClient, Context> contexts = new HashMap<>();

    /** A connection on an event loop of its own (round-robin over the loops). */
    private BridgeClient connect() throws Exception {
        Context context = vertx.getOrCreateContext();
        Promise<BridgeClient> connected = Promise.promise();
        context.runOnContext(v -> BridgeClient.connect(vertx, host, port).onComplete(connected));
        BridgeClient client = connected.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        contexts.put(client, context);
        return client;
    }

    /** Runs on the client's context and waits for the setup it returns. */
    private void on(BridgeClient client, java.util.function.Supplier<Future<JsonObject>> action) {
        Promise<JsonObject> done = Promise.promise();
        contexts.get(client).runOnContext(v -> action.get().onComplete(done));
        try {
            done.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("setup failed: " + e.getMessage(), e);
        }
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    static String stamped(int size) {
        String stamp = System.nanoTime() + "|";
        return size > stamp.length() ? stamp + "x".repeat(size - stamp.length()) : stamp;
    }

    private static long sentAt(String message) {
        int bar = message == null ? -1 : message.indexOf('|');
        return bar < 0 ? 0 : Long.parseLong(message.substring(0, bar));
    }

    private String ensureExchange(String name, String pattern, String... options) throws Exception {
        JsonObject opts = new JsonObject();
        for (int i = 0; i + 1 < options.length; i += 2) {
            opts.put(options[i], options[i + 1]);
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + host
                + ":" + number("http-port", 8080) + "/exchanges/" + name)).timeout(Duration.ofSeconds(10))
            .PUT(HttpRequest.BodyPublishers.ofString(new JsonObject().put("pattern", pattern).put("options", opts)
                .encode())).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw new IllegalStateException("cannot create exchange " + name + ": " + r.statusCode() + " " + r.body());
        }
        created.add(name);
        return name;
    }

    private String text(String name, String defaultValue) {
        return options.getOrDefault(name, defaultValue);
    }

    private int number(String name, int defaultValue) {
        return Integer.parseInt(text(name, String.valueOf(defaultValue)));
    }

    private long duration(String name, String defaultValue) {
        Duration d = dev.messagingnode.exchange.ExchangeOptions.parseDuration(text(name, defaultValue));
        if (d == null) {
            throw new IllegalArgumentException("--" + name + " must be a duration like 5s");
        }
        return d.toMillis();
    }

    static String format(JsonObject r, String format) {
        JsonObject l = r.getJsonObject("latencyMicros");
        return switch (format) {
            case "json" -> r.encode();
            case "csv" -> "workload,ops_per_s,mb_per_s,p50_us,p90_us,p99_us,p999_us,max_us,failures\n"
                + String.join(",", List.of(r.getString("workload"), String.valueOf(r.getLong("opsPerSecond")),
                    String.valueOf(r.getDouble("mbPerSecond")), String.valueOf(l.getDouble("p50")),
                    String.valueOf(l.getDouble("p90")), String.valueOf(l.getDouble("p99")),
                    String.valueOf(l.getDouble("p999")), String.valueOf(l.getDouble("max")),
                    String.valueOf(r.getLong("failures"))));
            default -> String.format(Locale.ROOT, "%s %s%n  %,d ops/s  %.1f MB/s  failures %d%n"
                    + "  latency µs: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f", r.getString("workload"),
                r.getJsonObject("parameters").encode(), r.getLong("opsPerSecond"), r.getDouble("mbPerSecond"),
                r.getLong("failures"), l.getDouble("p50"), l.getDouble("p90"), l.getDouble("p99"),
                l.getDouble("p999"), l.getDouble("max")) + accepted(r.getJsonObject("acceptedMicros"));
        };
    }

    private static String accepted(JsonObject a) {
        return a == null ? "" : String.format(Locale.ROOT, "%n  enqueue to accepted µs: p50 %.1f  p99 %.1f  max %.1f",
            a.getDouble("p50"), a.getDouble("p99"), a.getDouble("max"));
    }
}

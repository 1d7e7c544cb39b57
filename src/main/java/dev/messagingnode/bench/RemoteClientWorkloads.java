package dev.messagingnode.bench;

import dev.messagingnode.remoteclient.RemoteClient;
import dev.messagingnode.remoteclient.RemoteClientOptions;
import dev.messagingnode.remoteclient.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The bench's workloads through the Java remote client ({@link RemoteClient}, the binary framing): the default
 * protocol of the bench command ({@code --protocol=binary}). Every party and every client is a connection of its
 * own, as in the JSON workloads of {@link Bench}, so each message crosses loopback to the node and back.
 */
final class RemoteClientWorkloads {

    private final Bench bench;
    private final Measurement measurement;
    private final List<RemoteClient> clients = new ArrayList<>();

    RemoteClientWorkloads(Bench bench, Measurement measurement) {
        this.bench = bench;
        this.measurement = measurement;
    }

    void rpc(String exchange, int services, int clientCount, int inFlight, int size) throws Exception {
        for (int s = 0; s < services; s++) {
            RemoteClient service = connect();
            service.serve(exchange, Math.min(1000, clientCount * inFlight), w -> w.replyAndForget(w.message()))
                .attached().get(30, TimeUnit.SECONDS);
        }
        byte[] payload = "x".repeat(size).getBytes(StandardCharsets.UTF_8);
        for (int c = 0; c < clientCount; c++) {
            RemoteClient client = connect();
            windowed(inFlight, () -> client.request(exchange, payload), size, false);
        }
    }

    void pubsub(String exchange, int subscribers, int publishers, int keys, int size, int inFlight, boolean confirm)
        throws Exception {
        for (int s = 0; s < subscribers; s++) {
            RemoteClient subscriber = connect();
            subscriber.subscribe(exchange, "bench.#", d -> measurement.record(sentAt(d.message()), d.message().length))
                .attached().get(30, TimeUnit.SECONDS);
        }
        for (int p = 0; p < publishers; p++) {
            RemoteClient publisher = connect();
            long[] n = {0};
            if (confirm) {
                windowed(inFlight, () -> publisher.publish(exchange, "bench.k" + (n[0]++ % keys), stamped(size)), 0,
                    true);
            } else {
                // Fire and forget, as NATS core: a flush (a ping's round trip) every 256 publishes keeps the
                // publisher from running ahead of the node, as PeerBench's NATS publisher does.
                Thread t = new Thread(() -> {
                    try {
                        while (measurement.running()) {
                            publisher.publishAndForget(exchange, "bench.k" + (n[0]++ % keys), stamped(size));
                            if (n[0] % 256 == 0) {
                                publisher.flush().get(10, TimeUnit.SECONDS);
                            }
                        }
                    } catch (Exception e) {
                        if (measurement.running()) {
                            measurement.failed();
                        }
                    }
                }, "bench-publisher-" + p);
                t.setDaemon(true);
                t.start();
            }
        }
    }

    void tasks(String exchange, int workers, int prefetch, int producers, int size, int inFlight, double nackRatio)
        throws Exception {
        for (int w = 0; w < workers; w++) {
            RemoteClient worker = connect();
            worker.work(exchange, prefetch, task -> {
                if (nackRatio > 0 && ThreadLocalRandom.current().nextDouble() < nackRatio) {
                    task.nack(null);
                } else {
                    task.ackAndForget();
                    measurement.record(sentAt(task.message()), task.message().length);
                }
            }).attached().get(30, TimeUnit.SECONDS);
        }
        for (int p = 0; p < producers; p++) {
            RemoteClient producer = connect();
            windowed(inFlight, () -> producer.enqueue(exchange, stamped(size), 0), 0, true);
        }
    }

    void sink(String exchange, int producers, int size, int inFlight) throws Exception {
        RemoteClient consumer = connect();
        consumer.consume(exchange, batch -> {
            batch.messages().forEach(m -> measurement.record(sentAt(m.message()), m.message().length));
            batch.ackAndForget();
        }).attached().get(30, TimeUnit.SECONDS);
        for (int p = 0; p < producers; p++) {
            RemoteClient producer = connect();
            windowed(inFlight, () -> producer.send(exchange, stamped(size)), 0, true);
        }
    }

    /** Needs the node's demo-blob service (the embedded default). */
    void chunked(long total, int chunk) throws Exception {
        RemoteClient client = connect();
        byte[] request = (total + " " + chunk).getBytes(StandardCharsets.UTF_8);
        RequestOptions options = RequestOptions.NONE.withChunks(c -> measurement.bytes(c.length));
        new Object() {
            void next() {
                if (!measurement.running()) {
                    return;
                }
                long start = System.nanoTime();
                client.request("demo-blob", request, options).thenCompose(r -> r.streamEnd()).whenComplete((n, t) -> {
                    if (t != null) {
                        measurement.failed();
                        System.err.println("chunked request failed: " + t.getMessage());
                    } else {
                        measurement.record(start, 0);
                    }
                    next();
                });
            }
        }.next();
    }

    void close() {
        clients.forEach(RemoteClient::close);
    }

    /**
     * Keeps {@code window} operations going: each one's latency recorded ({@code accepted}: as the time to its
     * answer, the consumers recording the deliveries).
     */
    private void windowed(int window, Supplier<CompletableFuture<?>> op, int bytes, boolean accepted) {
        for (int i = 0; i < window; i++) {
            new Object() {
                void next() {
                    if (!measurement.running()) {
                        return;
                    }
                    long start = System.nanoTime();
                    op.get().whenComplete((r, t) -> {
                        if (t != null) {
                            measurement.failed();
                            // a refusal may come at once (not connected): go on a little later, not recursively
                            CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS).execute(this::next);
                            return;
                        }
                        if (accepted) {
                            measurement.accepted(start);
                        } else {
                            measurement.record(start, bytes);
                        }
                        next();
                    });
                }
            }.next();
        }
    }

    private RemoteClient connect() {
        RemoteClient client = RemoteClient.connect(RemoteClientOptions.of(bench.host(), bench.port()));
        clients.add(client);
        return client;
    }

    private static byte[] stamped(int size) {
        return Bench.stamped(size).getBytes(StandardCharsets.US_ASCII);
    }

    private static long sentAt(byte[] message) {
        long n = 0;
        for (byte b : message) {
            if (b == '|') {
                return n;
            }
            n = n * 10 + (b - '0');
        }
        return 0;
    }
}

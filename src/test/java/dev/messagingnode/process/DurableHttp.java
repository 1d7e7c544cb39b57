package dev.messagingnode.process;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A producer and workers that use the node the way a user's program does, over plain HTTP: the producer enqueues
 * numbered tasks and counts what the node answered; each worker opens a party, long-polls, and acks; both go to
 * another node when theirs stops answering. What the durable-tasks ITs count losses and duplicates with.
 */
final class DurableHttp {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** The bodies the node answered 202 for, and how often each body was done (acked) by a worker. */
    final Map<String, Boolean> accepted = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> done = new ConcurrentHashMap<>();
    /** Refusals by second since the producer started and detail (digits as N), to see what a failover costs. */
    final Map<String, AtomicLong> refusals = new java.util.concurrent.ConcurrentSkipListMap<>();
    /** The answers to workers' acks, by status code (-1: the connection failed), and each refusal's detail. */
    final Map<Integer, AtomicLong> ackAnswers = new ConcurrentHashMap<>();
    final Map<String, AtomicLong> ackRefusals = new java.util.concurrent.ConcurrentSkipListMap<>();
    /**
     * Bodies whose ack the node confirmed (204), and any a worker was given again after that: at-least-once allows a
     * task to come back while its ack is unconfirmed, never once the node has said "done".
     */
    final Set<String> confirmed = ConcurrentHashMap.newKeySet();
    final List<String> doneAfterConfirmedAck = new CopyOnWriteArrayList<>();
    /** Answers by status code (202, 503, ...) and transport errors (-1). */
    final Map<Integer, AtomicLong> answers = new ConcurrentHashMap<>();
    private final String exchange;
    private volatile boolean running = true;
    /** Workers go on until told: the producer's last tasks may still be on their way to them. */
    private volatile boolean working = true;

    DurableHttp(String exchange) {
        this.exchange = exchange;
    }

    /** The host the nodes listen on (127.0.0.1, or a node's address in its network namespace: "host:port"). */
    static HttpResponse<String> call(int port, String method, String path, String body) throws IOException,
        InterruptedException {
        return call("127.0.0.1:" + port, method, path, body);
    }

    static HttpResponse<String> call(String hostPort, String method, String path, String body) throws IOException,
        InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + hostPort + path))
            .timeout(Duration.ofSeconds(15));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Enqueues "t0", "t1", ... at about {@code perSecond}, to the node {@code port} names, until stopped. */
    Thread producer(Supplier<Integer> port, int perSecond) {
        return producerAt(() -> "127.0.0.1:" + port.get(), perSecond);
    }

    /** The same, to the node at "host:port" that {@code at} names each time. */
    Thread producerAt(Supplier<String> port, int perSecond) {
        Thread t = new Thread(() -> {
            long n = 0;
            long start = System.nanoTime();
            while (running) {
                String body = "t" + n;
                int status;
                try {
                    HttpResponse<String> r = call(port.get(), "POST", "/exchanges/" + exchange + "/tasks", body);
                    status = r.statusCode();
                    if (status != 202) {
                        refusals.computeIfAbsent(((System.nanoTime() - start) / 1_000_000_000L) + "s " + detail(r),
                            k -> new AtomicLong()).incrementAndGet();
                    }
                } catch (IOException e) {
                    status = -1;
                } catch (InterruptedException e) {
                    return;
                }
                count(answers, status);
                if (status == 202) {
                    accepted.put(body, true);
                }
                n++; // a refused body is never sent again: the count of accepted ones is exact
                long due = start + n * 1_000_000_000L / perSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    sleep(wait / 1_000_000);
                }
            }
        }, "producer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** A worker with {@code prefetch} that acks each task after {@code workMs}, on the node {@code port} names. */
    Thread worker(Supplier<Integer> port, int prefetch, long workMs) {
        return workerAt(() -> "127.0.0.1:" + port.get(), prefetch, workMs);
    }

    /** The same, on the node at "host:port" that {@code at} names each time it opens a party. */
    Thread workerAt(Supplier<String> port, int prefetch, long workMs) {
        Thread t = new Thread(() -> {
            while (working) {
                String p = port.get();
                String party;
                try {
                    HttpResponse<String> r = call(p, "POST", "/exchanges/" + exchange + "/workers?prefetch="
                        + prefetch + "&lease=5s", null);
                    if (r.statusCode() != 201) {
                        sleep(200);
                        continue;
                    }
                    party = new JsonObject(r.body()).getString("party");
                } catch (IOException e) {
                    sleep(200);
                    continue;
                } catch (InterruptedException e) {
                    return;
                }
                try {
                    while (working) {
                        HttpResponse<String> next = call(p, "GET", "/parties/" + party + "/next?wait=1s", null);
                        if (next.statusCode() == 204) {
                            continue;
                        }
                        if (next.statusCode() != 200) {
                            break; // the party is gone: open another
                        }
                        JsonObject item = new JsonObject(next.body());
                        String body = item.getString("message");
                        sleep(workMs);
                        // Done once worked: an ack that a dying leader committed but could not confirm still means
                        // the work was done; one it did not commit brings the task again (counted twice then).
                        if (confirmed.contains(body)) {
                            doneAfterConfirmedAck.add(body);
                        }
                        done.computeIfAbsent(body, k -> new AtomicInteger()).incrementAndGet();
                        HttpResponse<String> acked;
                        try {
                            acked = call(p, "POST", "/parties/" + party + "/items/" + item.getLong("item") + "/ack",
                                null);
                        } catch (IOException e) {
                            count(ackAnswers, -1);
                            throw e;
                        }
                        count(ackAnswers, acked.statusCode());
                        if (acked.statusCode() == 204) {
                            confirmed.add(body);
                        } else {
                            ackRefusals.computeIfAbsent(acked.statusCode() + " " + detail(acked),
                                k -> new AtomicLong()).incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    sleep(200); // the node died under us: start over, maybe on another one
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "worker");
        t.setDaemon(true);
        t.start();
        return t;
    }

    void stopProducing() {
        running = false;
    }

    void stopWorking() {
        working = false;
    }

    /** Accepted tasks that no worker has done. */
    List<String> lost() {
        return accepted.keySet().stream().filter(b -> !done.containsKey(b)).sorted().toList();
    }

    long doneTwice() {
        return done.values().stream().filter(n -> n.get() > 1).count();
    }

    long answered(int status) {
        AtomicLong n = answers.get(status);
        return n == null ? 0 : n.get();
    }

    /** A problem's detail with its digits as N, so that refusals of one kind count together. */
    private static String detail(HttpResponse<String> r) {
        return r.body().replaceAll(".*\"detail\":\"([^\"]*)\".*", "$1").replaceAll("[0-9]+", "N");
    }

    private static void count(Map<Integer, AtomicLong> counts, int status) {
        counts.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(Math.max(0, ms));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.messagingnode.bench;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What a run counts: operations and bytes after the warm-up, and their latencies (HdrHistogram, nanoseconds, 3
 * significant digits). Safe to record from every event loop at once. Prints progress once a second while it runs.
 */
final class Measurement {

    private final long warmupEndNanos;
    private final long endNanos;
    private final Recorder latency = new Recorder(3);
    /** Enqueue (publish) to accepted (confirmed): recorded only by workloads whose producers wait for an answer. */
    private final Recorder accepted = new Recorder(3);
    private final LongAdder acceptedCount = new LongAdder();
    private final LongAdder ops = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final AtomicLong failures = new AtomicLong();
    private final Histogram total = new Histogram(3);
    private volatile boolean quiet;

    Measurement(long warmupMs, long runMs) {
        this.warmupEndNanos = System.nanoTime() + warmupMs * 1_000_000;
        this.endNanos = warmupEndNanos + runMs * 1_000_000;
    }

    boolean running() {
        return System.nanoTime() < endNanos;
    }

    /** One operation that began at {@code startNanos} ended now. */
    void record(long startNanos, long byteCount) {
        long now = System.nanoTime();
        if (now < warmupEndNanos || now > endNanos) {
            return;
        }
        ops.increment();
        bytes.add(byteCount);
        if (startNanos > 0) {
            latency.recordValue(Math.max(0, now - startNanos));
        }
    }

    /** The producer's operation that began at {@code startNanos} was accepted (confirmed) now. */
    void accepted(long startNanos) {
        long now = System.nanoTime();
        if (now < warmupEndNanos || now > endNanos) {
            return;
        }
        acceptedCount.increment();
        accepted.recordValue(Math.max(0, now - startNanos));
    }

    /** Bytes that belong to an operation still under way (the chunks of a transfer). */
    void bytes(long byteCount) {
        long now = System.nanoTime();
        if (now >= warmupEndNanos && now <= endNanos) {
            bytes.add(byteCount);
        }
    }

    void failed() {
        failures.incrementAndGet();
    }

    /** Waits for the end of the run, printing the last second's rate to stderr. */
    void awaitEnd(String label) throws InterruptedException {
        long last = 0;
        while (running()) {
            Thread.sleep(1000);
            long n = ops.sum();
            if (!quiet) {
                System.err.printf(Locale.ROOT, "%s %s: %,d ops/s%n", label,
                    System.nanoTime() < warmupEndNanos ? "warm-up" : "run", n - last);
            }
            last = n;
        }
    }

    void quiet() {
        quiet = true;
    }

    JsonObject result(String workload, long runMs, JsonObject parameters) {
        total.add(latency.getIntervalHistogram());
        double seconds = runMs / 1000.0;
        JsonObject result = new JsonObject().put("workload", workload).put("parameters", parameters)
            .put("opsPerSecond", Math.round(ops.sum() / seconds))
            .put("mbPerSecond", Math.round(bytes.sum() / seconds / 1e6 * 10) / 10.0)
            .put("operations", ops.sum()).put("failures", failures.get())
            .put("latencyMicros", percentiles(total));
        if (acceptedCount.sum() > 0) {
            result.put("acceptedMicros", percentiles(accepted.getIntervalHistogram()));
        }
        return result;
    }

    private static JsonObject percentiles(Histogram h) {
        return new JsonObject()
            .put("p50", micros(h.getValueAtPercentile(50)))
            .put("p90", micros(h.getValueAtPercentile(90)))
            .put("p99", micros(h.getValueAtPercentile(99)))
            .put("p999", micros(h.getValueAtPercentile(99.9)))
            .put("max", micros(h.getMaxValue()));
    }

    private static double micros(long nanos) {
        return Math.round(nanos / 100.0) / 10.0;
    }
}

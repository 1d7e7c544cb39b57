package dev.messagingnode.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * The load loop of the benchmarks: keeps {@code inFlight} operations going from an event loop, warms up, then
 * counts for a fixed time. Bounded: it stops by itself at the end of the run.
 */
public final class WindowedLoad {

    /**
     * @param completed  operations completed per second during the run
     * @param counted    per second of the run: how much {@code counter} grew (0 without one)
     * @param alsoCounted per second of the run: how much {@code alsoCount} grew (0 without one)
     * @param failures   operations that failed, warm-up included
     */
    public record Result(double completed, double counted, double alsoCounted, long failures) {
    }

    private WindowedLoad() {
    }

    /**
     * Runs the load. {@code latency}, when given, records each operation's time after the warm-up; the counters, when
     * given, are read at the end of the warm-up and of the run.
     */
    public static Result run(Vertx vertx, int inFlight, Histogram latency, Supplier<Future<?>> op, AtomicLong counter,
                             AtomicLong alsoCount, long warmupMs, long runMs) {
        AtomicLong completed = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        long warmupEnd = System.nanoTime() + warmupMs * 1_000_000;
        long end = warmupEnd + runMs * 1_000_000;
        long[] marks = new long[4];
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicLong running = new AtomicLong(inFlight);
        vertx.runOnContext(v -> {
            for (int i = 0; i < inFlight; i++) {
                new Object() {
                    void next() {
                        long now = System.nanoTime();
                        if (now >= end) {
                            if (running.decrementAndGet() == 0) {
                                done.complete(null);
                            }
                            return;
                        }
                        op.get().onComplete(ar -> {
                            long t = System.nanoTime();
                            if (ar.failed()) {
                                failures.incrementAndGet();
                            } else if (t > warmupEnd) {
                                completed.incrementAndGet();
                                if (latency != null) {
                                    latency.recordValue(Math.min(t - now, latency.getHighestTrackableValue()));
                                }
                            }
                            next();
                        });
                    }
                }.next();
            }
        });
        vertx.setTimer(Math.max(1, (warmupEnd - System.nanoTime()) / 1_000_000), id -> {
            marks[0] = counter == null ? 0 : counter.get();
            marks[1] = alsoCount == null ? 0 : alsoCount.get();
        });
        vertx.setTimer(Math.max(1, (end - System.nanoTime()) / 1_000_000), id -> {
            marks[2] = counter == null ? 0 : counter.get();
            marks[3] = alsoCount == null ? 0 : alsoCount.get();
        });
        done.join();
        double seconds = runMs / 1000.0;
        return new Result(completed.get() / seconds, (marks[2] - marks[0]) / seconds, (marks[3] - marks[1]) / seconds,
            failures.get());
    }
}

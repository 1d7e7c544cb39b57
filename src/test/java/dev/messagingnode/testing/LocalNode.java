package dev.messagingnode.testing;

import dev.messagingnode.durable.DurableExchanges;
import dev.messagingnode.durable.DurableGroup;
import dev.messagingnode.durable.DurableSettings;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.ExchangeContext;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangeRegistry;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.node.StandardPatterns;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One node on a plain Vert.x instance, without Quarkus: what the pattern tests run against. It is its own replica
 * set, with its log in a temporary directory, so durable exchanges (tasks by default) run as on a real node.
 */
public final class LocalNode implements AutoCloseable {

    public final Vertx vertx = Vertx.vertx();
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    public final java.nio.file.Path dataDir;
    public final DurableGroup durable;
    public final ExchangeRegistry registry;
    private final DurableExchanges durableExchanges;
    private final boolean keepData;
    public final MessagingClient client;
    /** A fault to inject: commands of durable exchanges for which this is true fail as if the disk could not take them. */
    public volatile java.util.function.Predicate<byte[]> refuseCommand = command -> false;

    public LocalNode() {
        this(null, 16 << 20);
    }

    /**
     * A node on {@code dataDir} (a fresh temporary one when null, deleted at close; a given one is kept, so that a
     * test can start another node on it), taking a snapshot once the log holds {@code maxLogBytes}.
     */
    public LocalNode(java.nio.file.Path dataDir, long maxLogBytes) {
        this(dataDir, maxLogBytes, 0);
    }

    /** ... refusing enqueues while the data directory's file system has less than {@code minFreeBytes} free. */
    public LocalNode(java.nio.file.Path dataDir, long maxLogBytes, long minFreeBytes) {
        try {
            this.keepData = dataDir != null;
            this.dataDir = dataDir != null ? dataDir : java.nio.file.Files.createTempDirectory("local-node");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        dev.messagingnode.exchange.Patterns patterns = StandardPatterns.all();
        durable = new DurableGroup(vertx, new DurableSettings("local", java.util.List.of("local"), this.dataDir,
            maxLogBytes, java.time.Duration.ofSeconds(10), minFreeBytes), patterns, meters);
        dev.messagingnode.exchange.ReplicatedLog group = durable;
        // The log the exchanges see: the replica set's, with a fault a test may inject (refuseCommand).
        dev.messagingnode.exchange.ReplicatedLog log = new dev.messagingnode.exchange.ReplicatedLog() {
            @Override
            public io.vertx.core.Future<byte[]> append(String exchange, byte[] command) {
                return refuseCommand.test(command) ? dev.messagingnode.exchange.MessagingException.failed(
                    dev.messagingnode.exchange.Failure.EXCHANGE_DOWN, "injected: the log cannot be written")
                    : group.append(exchange, command);
            }

            @Override
            public String full() {
                return group.full();
            }

            @Override
            public <T> T read(String exchange, java.util.function.Function<dev.messagingnode.exchange.DurableState, T> r) {
                return group.read(exchange, r);
            }
        };
        registry = new ExchangeRegistry(vertx, patterns, new ExchangeContext(meters, log));
        await(durable.startAlone());
        await(registry.start());
        durableExchanges = new DurableExchanges(vertx, durable, registry, registry::isRunning);
        registry.durable(durableExchanges);
        durableExchanges.start();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(durable::isLeader);
        client = MessagingClient.create(vertx);
    }

    public void create(ExchangeDefinition definition) {
        await(registry.create(definition));
    }

    /** Creates an exchange with options given as key, value, key, value... */
    public void create(String name, String pattern, String... options) {
        ExchangeDefinition d = ExchangeDefinition.of(name, pattern);
        for (int i = 0; i < options.length; i += 2) {
            d = d.withOption(options[i], options[i + 1]);
        }
        create(d);
    }

    /**
     * Enqueues {@code n} tasks to {@code exchange}, {@code window} at a time (task i has body {@code body(i)} and
     * priority i % 10); completes once every one is accepted, fails with the first refusal.
     */
    public Future<Void> enqueueAll(String exchange, long n, int window, java.util.function.LongFunction<Buffer> body) {
        io.vertx.core.Promise<Void> all = io.vertx.core.Promise.promise();
        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
        Runnable[] next = new Runnable[1];
        next[0] = () -> {
            long i = sent.incrementAndGet();
            if (i > n) {
                return;
            }
            client.enqueue(exchange, body.apply(i), (int) (i % 10)).onComplete(ar -> {
                if (ar.failed()) {
                    all.tryFail(ar.cause());
                } else if (accepted.incrementAndGet() == n) {
                    all.tryComplete();
                } else {
                    next[0].run();
                }
            });
        };
        if (n == 0) {
            all.complete();
        }
        vertx.runOnContext(v -> {
            for (int i = 0; i < window; i++) {
                next[0].run();
            }
        });
        return all.future();
    }

    /** Waits for a future; fails the test after 10 seconds. */
    public static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("future did not complete within 10s", e);
        }
    }

    /** Waits for a future that must fail with a {@link MessagingException}, and returns it. */
    public static MessagingException awaitFailure(Future<?> future) {
        try {
            Object value = await(future);
            throw new AssertionError("expected a failure, got " + value);
        } catch (MessagingException e) {
            return e;
        }
    }

    @Override
    public void close() {
        durableExchanges.stop();
        await(registry.stop());
        await(durable.stop());
        await(vertx.close());
        if (keepData) {
            return;
        }
        TempDirs.delete(dataDir);
    }
}

package dev.messagingnode.testing;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.ExchangeContext;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangeRegistry;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.node.StandardPatterns;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One node on a plain Vert.x instance, without Quarkus: what the pattern tests run against. */
public final class LocalNode implements AutoCloseable {

    public final Vertx vertx = Vertx.vertx();
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    public final ExchangeRegistry registry =
        new ExchangeRegistry(vertx, StandardPatterns.all(), new ExchangeContext(meters));
    public final MessagingClient client;

    public LocalNode() {
        await(registry.start());
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
        await(vertx.close());
    }
}

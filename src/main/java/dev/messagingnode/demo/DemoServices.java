package dev.messagingnode.demo;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.config.MessagingConfig;
import dev.messagingnode.rpc.ChunkedResponse;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.annotation.Priority;

/**
 * Services for the embedded default's demo exchanges, one per way of answering: {@code demo-echo} replies with the
 * request, {@code demo-count} streams N chunks for a request "N", {@code demo-greeter} asks for a name, then greets.
 */
@ApplicationScoped
public class DemoServices {

    void onStart(@Observes @Priority(2000) StartupEvent event, MessagingConfig config, MessagingClient client) {
        if (!config.enabled()) {
            return;
        }
        client.register("demo-echo", req -> req.reply(req.message()));
        client.register("demo-count", req -> {
            int n = Integer.parseInt(req.message().toString().trim());
            ChunkedResponse out = req.stream();
            writeCount(out, 1, n);
        });
        client.register("demo-greeter", req -> req.ask(Buffer.buffer("What is your name?"))
            .onSuccess(answer -> answer.reply(Buffer.buffer("Hello, " + answer.message() + "!"))));
    }

    private static void writeCount(ChunkedResponse out, int i, int n) {
        if (i > n) {
            out.end();
            return;
        }
        out.write(Buffer.buffer(i + "\n")).onSuccess(v -> writeCount(out, i + 1, n));
    }
}

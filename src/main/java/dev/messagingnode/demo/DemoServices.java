package dev.messagingnode.demo;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.config.MessagingConfig;
import dev.messagingnode.rpc.ChunkedResponse;
import dev.messagingnode.rpc.ServiceRequest;
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
        client.register("demo-blob", DemoServices::blob);
    }

    /**
     * "TOTAL CHUNK": streams TOTAL bytes of 'x' as CHUNK-byte chunks (the bench command's chunked workload). Bounded:
     * at most 16 GiB per request, chunks within the exchange's max-chunk-bytes.
     */
    private static void blob(ServiceRequest req) {
        String[] parts = req.message().toString().trim().split("\\s+");
        long total;
        int chunk;
        try {
            total = Long.parseLong(parts[0]);
            chunk = Integer.parseInt(parts[1]);
        } catch (RuntimeException e) {
            req.fail("send \"TOTAL CHUNK\" in bytes, e.g. \"268435456 1048576\"");
            return;
        }
        if (total < 0 || total > (16L << 30) || chunk < 1) {
            req.fail("TOTAL must be 0..16 GiB and CHUNK at least 1 byte");
            return;
        }
        Buffer data = Buffer.buffer("x".repeat(chunk));
        writeBlob(req.stream(), data, total);
    }

    private static void writeBlob(ChunkedResponse out, Buffer data, long left) {
        while (left > 0 && !out.writeQueueFull()) {
            Buffer piece = left >= data.length() ? data : data.slice(0, (int) left);
            left -= piece.length();
            out.write(piece);
        }
        if (left == 0) {
            out.end();
        } else {
            long remaining = left;
            out.drainHandler(v -> writeBlob(out, data, remaining));
        }
    }

    private static void writeCount(ChunkedResponse out, int i, int n) {
        if (i > n) {
            out.end();
            return;
        }
        out.write(Buffer.buffer(i + "\n")).onSuccess(v -> writeCount(out, i + 1, n));
    }
}

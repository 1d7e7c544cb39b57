package dev.messagingnode.cluster;

import static dev.messagingnode.testing.LocalNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.rpc.ChunkStream;
import dev.messagingnode.rpc.ChunkedResponse;
import dev.messagingnode.rpc.Reply;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Chunked back-pressure across nodes: 512 MiB from a service on m1 through the exchange's node m2 to a slow reader
 * on m3, all three members in one JVM capped at 256 MiB (Surefire execution "bounded-heap"). Credit crosses the
 * network with the chunks, so a slow reader on one node holds back the service on another.
 */
@Tag("bounded-heap")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterChunkedHeapTest {

    private static final int CHUNKS = 512;
    private static final int CHUNK = 1024 * 1024;

    @Test
    void halfAGibibyteAcrossNodesThroughASlowReaderInA256MiBHeap() throws Exception {
        assertThat(Runtime.getRuntime().maxMemory()).isLessThanOrEqualTo(300L * 1024 * 1024);
        try (ClusterNodes nodes = new ClusterNodes(3)) {
            ClusterNodes.Member service = nodes.get(0);
            ClusterNodes.Member exchange = nodes.get(1);
            ClusterNodes.Member reader = nodes.get(2);
            await(exchange.registry.create(ExchangeDefinition.of("blobs", "request-response")
                .withOption("chunk-window", "4")));
            org.awaitility.Awaitility.await().until(() -> service.directory.directory().get("blobs").isPresent()
                && reader.directory.directory().get("blobs").isPresent());
            await(service.client.register("blobs", req -> {
                ChunkedResponse out = req.stream();
                new Object() {
                    int next;

                    void fill() {
                        while (!out.writeQueueFull() && next < CHUNKS) {
                            Buffer b = Buffer.buffer(new byte[CHUNK]);
                            b.setInt(0, next);
                            b.setInt(CHUNK - 4, next++);
                            out.write(b);
                        }
                        if (next == CHUNKS) {
                            out.end();
                        } else {
                            out.drainHandler(v -> fill());
                        }
                    }
                }.fill();
            }).attached());

            Reply reply = await(reader.client.call("blobs", Buffer.buffer()));
            ChunkStream stream = reply.stream();
            AtomicLong chunks = new AtomicLong();
            AtomicReference<String> error = new AtomicReference<>();
            stream.handler(b -> {
                int index = (int) chunks.getAndIncrement();
                if (b.length() != CHUNK || b.getInt(0) != index || b.getInt(CHUNK - 4) != index) {
                    error.compareAndSet(null, "chunk " + index + " out of order or damaged");
                }
                if (index % 16 == 0) {
                    stream.pause();
                    reader.vertx.setTimer(5, t -> stream.resume());
                }
            });
            await(stream.completion().toCompletionStage().toCompletableFuture().orTimeout(200, TimeUnit.SECONDS)
                .handle((v, t) -> t == null ? io.vertx.core.Future.<Void>succeededFuture()
                    : io.vertx.core.Future.<Void>failedFuture(t)).join());
            assertThat(error.get()).isNull();
            assertThat(chunks.get()).isEqualTo(CHUNKS);
        }
    }
}

package dev.messagingnode.rpc;

import static dev.messagingnode.testing.LocalNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.testing.LocalNode;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reference case of DESIGN.md: 1 GiB as 1024 chunks of 1 MiB through a deliberately slow reader. Surefire runs
 * this class alone in a JVM with -Xmx256m (see pom.xml, execution "bounded-heap"): exchange, service and requester
 * all live in that heap, so an unbounded buffer anywhere would end in OutOfMemoryError.
 */
@Tag("bounded-heap")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ChunkedGigabyteTest {

    private static final int CHUNKS = 1024;
    private static final int CHUNK = 1024 * 1024;

    @Test
    void oneGibibyteThroughASlowReaderArrivesWholeAndInOrderInA256MiBHeap() {
        assertThat(Runtime.getRuntime().maxMemory()).as("this test must run with a capped heap")
            .isLessThanOrEqualTo(300L * 1024 * 1024);
        try (LocalNode node = new LocalNode()) {
            node.create(ExchangeDefinition.of("blobs", RequestResponsePattern.NAME)
                .withOption(RpcOptions.CHUNK_WINDOW, "4"));
            await(node.client.register("blobs", req -> {
                ChunkedResponse out = req.stream();
                // The service would happily produce the whole gibibyte at once; only credit holds it back.
                new Object() {
                    int next;

                    void fill() {
                        while (!out.writeQueueFull() && next < CHUNKS) {
                            out.write(chunk(next++));
                        }
                        if (next == CHUNKS) {
                            out.end();
                        } else {
                            out.drainHandler(v -> fill());
                        }
                    }
                }.fill();
            }).attached());

            Reply reply = await(node.client.call("blobs", Buffer.buffer("all of it")));
            ChunkStream stream = reply.stream();
            AtomicLong bytes = new AtomicLong();
            AtomicLong chunks = new AtomicLong();
            AtomicReference<String> error = new AtomicReference<>();
            stream.handler(b -> {
                int index = (int) chunks.getAndIncrement();
                if (b.length() != CHUNK || b.getInt(0) != index || b.getInt(CHUNK - 4) != index
                    || b.getByte(CHUNK / 2) != (byte) index) {
                    error.compareAndSet(null, "chunk " + index + " is not the one written at that position");
                }
                bytes.addAndGet(b.length());
                // The slow reader: every 16th chunk it stops reading for 5 ms.
                if (index % 16 == 0) {
                    stream.pause();
                    node.vertx.setTimer(5, t -> stream.resume());
                }
            });
            await(stream.completion().toCompletionStage().toCompletableFuture().orTimeout(200, TimeUnit.SECONDS)
                .handle((v, t) -> t == null ? io.vertx.core.Future.<Void>succeededFuture()
                    : io.vertx.core.Future.<Void>failedFuture(t)).join());
            assertThat(error.get()).isNull();
            assertThat(chunks.get()).isEqualTo(CHUNKS);
            assertThat(bytes.get()).isEqualTo((long) CHUNKS * CHUNK);
        }
    }

    private static Buffer chunk(int index) {
        byte[] data = new byte[CHUNK];
        java.util.Arrays.fill(data, (byte) index);
        Buffer b = Buffer.buffer(data);
        b.setInt(0, index);
        b.setInt(CHUNK - 4, index);
        return b;
    }
}

package dev.messagingnode.rpc;

import static dev.messagingnode.testing.LocalNode.await;
import static dev.messagingnode.testing.LocalNode.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Registration;
import dev.messagingnode.testing.LocalNode;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChunkedResponseTest {

    private final LocalNode node = new LocalNode();
    private final MessagingClient client = node.client;
    private final AtomicReference<ChunkedResponse> serviceSide = new AtomicReference<>();

    @AfterEach
    void close() {
        node.close();
    }

    private void exchange(String... options) {
        node.create("files", RequestResponsePattern.NAME, options);
    }

    /** A service that streams "count" numbered chunks, each as soon as its write future allows. */
    private void countingService(int count) {
        await(client.register("files", req -> {
            ChunkedResponse out = req.stream();
            serviceSide.set(out);
            writeFrom(out, 0, count);
        }).attached());
    }

    /**
     * A service that writes chunks "c0", "c1"… up to {@code total} as long as the stream's write queue has room and
     * again from its drain handler (as {@code pipeTo} does); {@code writes} counts what it wrote, {@code credited}
     * the writes the requester took.
     */
    private void greedyService(int total, AtomicInteger writes, AtomicInteger credited) {
        await(client.register("files", req -> {
            ChunkedResponse out = req.stream();
            serviceSide.set(out);
            Runnable fill = new Runnable() {
                @Override
                public void run() {
                    while (!out.writeQueueFull() && writes.get() < total) {
                        out.write(Buffer.buffer("c" + writes.getAndIncrement())).onSuccess(v -> credited.incrementAndGet());
                    }
                    if (writes.get() == total) {
                        out.end();
                    } else {
                        out.drainHandler(v -> run());
                    }
                }
            };
            fill.run();
        }).attached());
    }

    private static void writeFrom(ChunkedResponse out, int i, int count) {
        if (i == count) {
            out.end();
            return;
        }
        out.write(Buffer.buffer("chunk-" + i)).onSuccess(v -> writeFrom(out, i + 1, count));
    }

    @Test
    void chunksArriveInOrderAndTheStreamEnds() {
        exchange();
        countingService(50);
        Reply reply = await(client.call("files", "my-tag", Buffer.buffer("get"), RequestOptions.DEFAULT));
        assertThat(reply.kind()).isEqualTo(Reply.Kind.STREAM);
        assertThat(reply.tag()).isEqualTo("my-tag");
        List<String> chunks = new CopyOnWriteArrayList<>();
        reply.stream().handler(b -> chunks.add(b.toString()));
        await(reply.stream().completion());
        assertThat(chunks).hasSize(50);
        for (int i = 0; i < 50; i++) {
            assertThat(chunks.get(i)).isEqualTo("chunk-" + i);
        }
    }

    /**
     * While the transport says the way to the requester's node is backlogged, chunks wait in the service's queue
     * (writeQueueFull once it holds a window's worth) and nothing is sent; once it has cleared, every chunk follows,
     * in order, and the stream ends.
     */
    @Test
    void aBackloggedWayToTheRequesterHoldsTheChunksUntilItClears() {
        exchange(RpcOptions.CHUNK_WINDOW, "4");
        dev.messagingnode.exchange.Transport real = dev.messagingnode.exchange.Transport.of(node.vertx);
        List<Runnable> waiting = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean backlog = new java.util.concurrent.atomic.AtomicBoolean(true);
        dev.messagingnode.exchange.Transport.install(node.vertx, new DelegatingTransport(real) {
            @Override
            public boolean backlogged(String address, Runnable whenClear) {
                if (backlog.get()) {
                    waiting.add(whenClear);
                    return true;
                }
                return false;
            }
        });
        AtomicInteger writes = new AtomicInteger();
        greedyService(20, writes, new AtomicInteger());
        Reply reply = await(client.call("files", Buffer.buffer()));
        List<String> got = new CopyOnWriteArrayList<>();
        reply.stream().handler(b -> got.add(b.toString()));
        await().until(() -> !waiting.isEmpty());
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> got.isEmpty());
        assertThat(writes).as("a window's worth queued, then writeQueueFull").hasValue(4);
        assertThat(serviceSide.get().writeQueueFull()).isTrue();
        assertThat(waiting).as("asked once, then waits").hasSize(1);

        backlog.set(false);
        waiting.forEach(Runnable::run);
        await(reply.stream().completion());
        assertThat(got).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(got.get(i)).isEqualTo("c" + i);
        }
    }

    /** A transport that passes everything to another: a test overrides what it changes. */
    private static class DelegatingTransport implements dev.messagingnode.exchange.Transport {
        private final dev.messagingnode.exchange.Transport to;

        DelegatingTransport(dev.messagingnode.exchange.Transport to) {
            this.to = to;
        }

        @Override
        public String node() {
            return to.node();
        }

        @Override
        public String reachable(String localAddress) {
            return to.reachable(localAddress);
        }

        @Override
        public void send(String address, Object frame) {
            to.send(address, frame);
        }

        @Override
        public Future<Object> request(String address, Object frame, long timeoutMs) {
            return to.request(address, frame, timeoutMs);
        }

        @Override
        public String exchangeAddress(String exchange) {
            return to.exchangeAddress(exchange);
        }

        @Override
        public List<String> exchangeAddresses(String exchange) {
            return to.exchangeAddresses(exchange);
        }

        @Override
        public List<String> peers() {
            return to.peers();
        }

        @Override
        public Runnable onNodeLeft(io.vertx.core.Handler<String> handler) {
            return to.onNodeLeft(handler);
        }
    }

    @Test
    void aPausedReaderStopsTheServiceAtTheCreditWindow() {
        exchange(RpcOptions.CHUNK_WINDOW, "3");
        AtomicInteger credited = new AtomicInteger();
        AtomicInteger writes = new AtomicInteger();
        greedyService(20, writes, credited);
        Reply reply = await(client.call("files", Buffer.buffer()));
        ChunkStream stream = reply.stream();
        stream.pause();
        List<String> got = new CopyOnWriteArrayList<>();
        stream.handler(b -> got.add(b.toString()));
        await().until(() -> writes.get() == 3);
        // Give the service every chance to overrun the window: nothing more goes out while the reader is paused.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> writes.get() == 3);
        assertThat(credited.get()).isZero();
        assertThat(serviceSide.get().writeQueueFull()).isTrue();
        assertThat(got).isEmpty();
        stream.fetch(1);
        await().until(() -> got.size() == 1 && credited.get() == 1);
        await().until(() -> writes.get() == 4);
        stream.resume();
        await(stream.completion());
        assertThat(got).hasSize(20).startsWith("c0", "c1", "c2", "c3").endsWith("c19");
    }

    @Test
    void aFilePipesIntoTheResponseAndArrivesByteForByte() throws Exception {
        exchange(RpcOptions.CHUNK_WINDOW, "2");
        java.nio.file.Path file = java.nio.file.Files.createTempFile("chunked", ".bin");
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(7).nextBytes(content);
        java.nio.file.Files.write(file, content);
        try {
            await(client.register("files", req -> node.vertx.fileSystem()
                .open(file.toString(), new io.vertx.core.file.OpenOptions().setRead(true))
                .compose(f -> f.pipeTo(req.stream()))).attached());
            Reply reply = await(client.call("files", Buffer.buffer()));
            Buffer received = Buffer.buffer();
            reply.stream().handler(received::appendBuffer);
            await(reply.stream().completion());
            assertThat(received.getBytes()).isEqualTo(content);
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    @Test
    void anErrorFrameFailsTheRequestersStream() {
        exchange();
        await(client.register("files", req -> {
            ChunkedResponse out = req.stream();
            out.write(Buffer.buffer("partial")).onSuccess(v -> out.fail("disk on fire"));
        }).attached());
        Reply reply = await(client.call("files", Buffer.buffer()));
        List<String> got = new CopyOnWriteArrayList<>();
        AtomicReference<Throwable> error = new AtomicReference<>();
        reply.stream().exceptionHandler(error::set).handler(b -> got.add(b.toString()));
        MessagingException e = awaitFailure(reply.stream().completion());
        assertThat(e.failure()).isEqualTo(Failure.SERVICE_FAILED);
        assertThat(e.detail()).isEqualTo("disk on fire");
        assertThat(got).containsExactly("partial");
        assertThat(error.get()).isSameAs(e);
    }

    @Test
    void aRequesterThatCancelsStopsTheService() {
        exchange(RpcOptions.CHUNK_WINDOW, "2");
        AtomicReference<Throwable> serviceError = new AtomicReference<>();
        AtomicInteger written = new AtomicInteger();
        await(client.register("files", req -> {
            ChunkedResponse out = req.stream().exceptionHandler(serviceError::set);
            endless(out, written);
        }).attached());
        Reply reply = await(client.call("files", Buffer.buffer()));
        AtomicInteger read = new AtomicInteger();
        reply.stream().handler(b -> {
            if (read.incrementAndGet() == 5) {
                reply.stream().cancel();
            }
        });
        await().until(() -> serviceError.get() != null);
        assertThat(((MessagingException) serviceError.get()).failure()).isEqualTo(Failure.CANCELLED);
        int after = written.get();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> written.get() == after);
        assertThat(awaitFailure(reply.stream().completion()).failure()).isEqualTo(Failure.CANCELLED);
    }

    private static void endless(ChunkedResponse out, AtomicInteger written) {
        out.write(Buffer.buffer("x")).onSuccess(v -> {
            written.incrementAndGet();
            endless(out, written);
        });
    }

    /** A requester in a verticle of its own, to be undeployed in the middle of a stream. */
    static final class Requester extends AbstractVerticle {
        final AtomicInteger read = new AtomicInteger();

        @Override
        public void start(Promise<Void> started) {
            MessagingClient.create(vertx).call("files", Buffer.buffer()).onSuccess(reply -> {
                reply.stream().pause().handler(b -> read.incrementAndGet());
                reply.stream().fetch(2);
            });
            started.complete();
        }
    }

    @Test
    void aRequesterThatGoesAwayWithoutAWordStopsTheStream() {
        exchange(RpcOptions.CHUNK_WINDOW, "2", RpcOptions.STREAM_IDLE_TIMEOUT, "500ms");
        AtomicReference<Throwable> serviceError = new AtomicReference<>();
        AtomicInteger written = new AtomicInteger();
        await(client.register("files", req -> {
            ChunkedResponse out = req.stream().exceptionHandler(serviceError::set);
            endless(out, written);
        }).attached());
        Requester requester = new Requester();
        String id = await(node.vertx.deployVerticle(requester));
        await().until(() -> requester.read.get() == 2);
        await(node.vertx.undeploy(id));
        await().atMost(Duration.ofSeconds(5)).until(() -> serviceError.get() != null);
        assertThat(((MessagingException) serviceError.get()).failure()).isIn(Failure.CANCELLED, Failure.TIMED_OUT);
        int after = written.get();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> written.get() == after);
    }

    @Test
    void aStreamTheRequesterNeverReadsIsEndedOnBothSides() {
        exchange(RpcOptions.STREAM_IDLE_TIMEOUT, "200ms");
        AtomicReference<Throwable> serviceError = new AtomicReference<>();
        await(client.register("files", req -> {
            ChunkedResponse out = req.stream().exceptionHandler(serviceError::set);
            endless(out, new AtomicInteger());
        }).attached());
        Reply reply = await(client.call("files", Buffer.buffer()));
        // No handler is ever set: chunks wait unread, the service runs out of credit and gives up.
        MessagingException e = awaitFailure(reply.stream().completion());
        assertThat(e.failure()).isEqualTo(Failure.TIMED_OUT);
        assertThat(((MessagingException) serviceError.get()).failure()).isEqualTo(Failure.TIMED_OUT);
    }

    @Test
    void aChunkOverMaxChunkBytesIsRefused() {
        exchange(RpcOptions.MAX_CHUNK_BYTES, "4");
        AtomicReference<Future<Void>> write = new AtomicReference<>();
        await(client.register("files", req -> {
            ChunkedResponse out = req.stream();
            write.set(out.write(Buffer.buffer("12345")));
            out.end();
        }).attached());
        Reply reply = await(client.call("files", Buffer.buffer()));
        reply.stream().handler(b -> { });
        await(reply.stream().completion());
        MessagingException e = awaitFailure(write.get());
        assertThat(e.failure()).isEqualTo(Failure.TOO_LARGE);
        assertThat(e.detail()).contains("max-chunk-bytes=4");
    }

    @Test
    void aWriterThatIgnoresBackPressureIsRefusedPastTheQueueBound() {
        exchange(RpcOptions.CHUNK_WINDOW, "2");
        List<Future<Void>> writes = new CopyOnWriteArrayList<>();
        await(client.register("files", req -> {
            ChunkedResponse out = req.stream();
            for (int i = 0; i < 5; i++) {
                writes.add(out.write(Buffer.buffer("c" + i)));
            }
            out.end();
        }).attached());
        Reply reply = await(client.call("files", Buffer.buffer()));
        List<String> got = new CopyOnWriteArrayList<>();
        reply.stream().handler(b -> got.add(b.toString()));
        await(reply.stream().completion());
        // Two in flight, two queued, the fifth refused: nothing is silently dropped.
        assertThat(got).containsExactly("c0", "c1", "c2", "c3");
        MessagingException e = awaitFailure(writes.get(4));
        assertThat(e.failure()).isEqualTo(Failure.OVER_CAPACITY);
        for (int i = 0; i < 4; i++) {
            await(writes.get(i));
        }
    }

    @Test
    void aServiceThatUnregistersEndsItsOpenStreamsWithAnErrorFrame() {
        exchange();
        // A service that writes one chunk and then goes quiet, as a node going down would.
        Registration service = client.register("files", req -> {
            ChunkedResponse out = req.stream();
            serviceSide.set(out);
            out.write(Buffer.buffer("first"));
        });
        await(service.attached());
        Reply reply = await(client.call("files", "t", Buffer.buffer("get"), RequestOptions.DEFAULT));
        List<String> chunks = new CopyOnWriteArrayList<>();
        reply.stream().handler(b -> chunks.add(b.toString()));
        await().until(() -> chunks.size() == 1);
        await(service.unregister());
        MessagingException failure = awaitFailure(reply.stream().completion());
        assertThat(failure.failure()).isEqualTo(Failure.SERVICE_FAILED);
        assertThat(failure).hasMessageContaining("the service unregistered");
    }
}

package dev.messagingnode.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the event loops send to one node within a turn crosses as one cluster message, in the order it was given,
 * within the batch bound; a peer that does not read batches, a sender off the event loops and a large message are
 * sent message by message.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OutboundBatchesTest {

    private final Vertx vertx = Vertx.vertx();
    private final RecordingCluster cluster = new RecordingCluster();

    @AfterEach
    void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** One cluster message as the peer gets it, split back into the transport messages it carries. */
    private record Sent(String node, List<String> messages, int bytes) {
    }

    private static Buffer message(String text) {
        return Buffer.buffer(text);
    }

    /** Runs {@code sends} as one task of an event-loop context and waits until that loop has run its next tasks. */
    private void onOneTurn(Runnable sends) {
        onOneTurnOf(vertx.getOrCreateContext(), sends);
    }

    /** As {@link #onOneTurn}, on a given context (so on its event-loop thread). */
    private static void onOneTurnOf(io.vertx.core.Context context, Runnable sends) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> {
            try {
                sends.run();
            } catch (Throwable t) {
                done.completeExceptionally(t);
                return;
            }
            context.runOnContext(w -> done.complete(null)); // queued after the flush the sends asked for
        });
        done.join();
    }

    /**
     * A batch whose send fails costs that batch only: the other destinations' batches of the turn are sent, and the
     * loop's next turns batch and send as before (a failure that left the loop's list of touched batches behind
     * would have stopped its flushes for good).
     */
    @Test
    void aBatchThatFailsToSendCostsOnlyThatBatch() {
        OutboundBatches batches = new OutboundBatches(cluster, "bus", node -> true);
        cluster.failNextTo = "b";
        var loop = vertx.getOrCreateContext(); // both turns on its thread: the list of touched batches is per thread
        onOneTurnOf(loop, () -> {
            batches.send("b", message("lost-1"));
            batches.send("b", message("lost-2"));
            batches.send("c", message("kept"));
        });
        assertThat(cluster.sent).containsExactly(new Sent("c", List.of("kept"), 4));
        cluster.sent.clear();
        onOneTurnOf(loop, () -> {
            batches.send("b", message("next-1"));
            batches.send("b", message("next-2"));
        });
        assertThat(cluster.sent).hasSize(1);
        assertThat(cluster.sent.get(0).messages()).containsExactly("next-1", "next-2");
    }

    @Test
    void messagesSentToOneNodeWithinATurnCrossAsOneClusterMessageInTheirOrder() {
        OutboundBatches batches = new OutboundBatches(cluster, "bus", node -> true);
        onOneTurn(() -> {
            batches.send("b", message("one"));
            batches.send("c", message("to c"));
            batches.send("b", message("two"));
            batches.send("b", message("three"));
        });
        assertThat(cluster.sent).extracting(Sent::node, Sent::messages).containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("b", List.of("one", "two", "three")),
            org.assertj.core.groups.Tuple.tuple("c", List.of("to c")));
        Sent toC = cluster.sent.stream().filter(s -> s.node().equals("c")).findFirst().orElseThrow();
        assertThat(toC.bytes()).as("a batch of one is the message itself").isEqualTo("to c".length());
    }

    @Test
    void aPeerThatDoesNotReadBatchesGetsEachMessageOnItsOwn() {
        OutboundBatches batches = new OutboundBatches(cluster, "bus", node -> !node.equals("old"));
        onOneTurn(() -> {
            batches.send("old", message("one"));
            batches.send("old", message("two"));
        });
        assertThat(cluster.sent).extracting(Sent::messages).containsExactly(List.of("one"), List.of("two"));
        assertThat(cluster.sent).allMatch(s -> s.bytes() == 3);
    }

    @Test
    void aSenderOffTheEventLoopsSendsWhatIsPendingForTheNodeFirstThenItsOwnAtOnce() {
        OutboundBatches batches = new OutboundBatches(cluster, "bus", node -> true);
        onOneTurn(() -> {
            batches.send("b", message("from the loop"));
            batches.send("b", message("and again"));
            // A worker thread sends while the loop's turn is not over: it must not overtake what the loop gave.
            CompletableFuture.runAsync(() -> batches.send("b", message("from a worker"))).join();
            assertThat(cluster.sent).extracting(Sent::messages).containsExactly(
                List.of("from the loop", "and again"), List.of("from a worker"));
        });
        assertThat(cluster.sent).hasSize(2);
    }

    @Test
    void aLargeMessageTravelsAloneAfterWhatWasPending() {
        OutboundBatches batches = new OutboundBatches(cluster, "bus", node -> true);
        String large = "x".repeat(OutboundBatches.ALONE_BYTES);
        onOneTurn(() -> {
            batches.send("b", message("small"));
            batches.send("b", message(large));
            batches.send("b", message("after"));
        });
        assertThat(cluster.sent).extracting(Sent::messages).containsExactly(List.of("small"), List.of(large),
            List.of("after"));
        assertThat(cluster.sent.get(1).bytes()).isEqualTo(large.length());
    }

    @Test
    void aBatchNeverGrowsPastItsBoundAndNothingIsLostOrReordered() {
        OutboundBatches batches = new OutboundBatches(cluster, "bus", node -> true);
        List<String> given = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            given.add(i + ":" + "y".repeat(i % 300));
        }
        onOneTurn(() -> given.forEach(m -> batches.send("b", message(m))));
        assertThat(cluster.sent.size()).isGreaterThan(1).isLessThan(given.size() / 10);
        assertThat(cluster.sent).allMatch(s -> s.bytes() <= OutboundBatches.MAX_BATCH_BYTES);
        assertThat(cluster.sent.stream().flatMap(s -> s.messages().stream()).toList()).isEqualTo(given);
    }

    @Test
    void aBatchWhoseLengthsDoNotFitItsBytesIsHandledUpToTheFirstThatDoesNot() {
        Buffer batch = Buffer.buffer().appendByte(OutboundBatches.BATCH).appendInt(2).appendString("ok")
            .appendInt(1_000).appendString("short");
        List<String> seen = new ArrayList<>();
        assertThat(OutboundBatches.unbatch(batch, b -> seen.add(b.toString()))).isFalse();
        assertThat(seen).containsExactly("ok");

        Buffer truncatedLength = Buffer.buffer().appendByte(OutboundBatches.BATCH).appendInt(1).appendString("a")
            .appendByte((byte) 0);
        seen.clear();
        assertThat(OutboundBatches.unbatch(truncatedLength, b -> seen.add(b.toString()))).isFalse();
        assertThat(seen).containsExactly("a");

        Buffer zeroLength = Buffer.buffer().appendByte(OutboundBatches.BATCH).appendInt(0);
        assertThat(OutboundBatches.unbatch(zeroLength, b -> seen.add("never"))).isFalse();
    }

    /** A cluster that records what is sent, decoding batches the way the receiving transport does. */
    private static final class RecordingCluster implements Cluster {
        final List<Sent> sent = new CopyOnWriteArrayList<>();
        /** The next send to this node throws, once (a fault below the batches). */
        volatile String failNextTo;

        @Override
        public void send(String node, String topic, Buffer payload) {
            if (node.equals(failNextTo)) {
                failNextTo = null;
                throw new IllegalStateException("injected: the send to " + node + " failed");
            }
            List<String> messages = new ArrayList<>();
            // Copied now: the sender reuses its buffer once the call returns, as Cluster#send allows.
            Buffer copy = payload.copy();
            assertThat(OutboundBatches.unbatch(copy, m -> messages.add(m.toString(StandardCharsets.UTF_8)))).isTrue();
            sent.add(new Sent(node, messages, copy.length()));
        }

        @Override
        public String localNode() {
            return "a";
        }

        @Override
        public List<String> members() {
            return List.of("a", "b", "c", "old");
        }

        @Override
        public long since(String member) {
            return 1;
        }

        @Override
        public boolean isJoined() {
            return true;
        }

        @Override
        public Cluster membershipHandler(Handler<MembershipView> handler) {
            return this;
        }

        @Override
        public void broadcast(String topic, Buffer payload) {
        }

        @Override
        public Cluster messageHandler(String topic, Handler<ClusterMessage> handler) {
            return this;
        }

        @Override
        public Future<Void> start() {
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> stop() {
            return Future.succeededFuture();
        }
    }
}

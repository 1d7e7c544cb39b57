package dev.messagingnode.cluster.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routes between two {@link Routes} of one JVM (each its own Vert.x, as two nodes), through a TCP relay the test
 * can cut, and against hand-written peers that break the protocol.
 */
class RoutesTest {

    private static final String CLUSTER = "routes-test";
    private final UUID idA = UUID.randomUUID();
    private final UUID idB = UUID.randomUUID();
    /** Who each side currently counts as a member (its view). */
    private final Map<UUID, String> viewOfB = new ConcurrentHashMap<>();
    private final List<String> receivedByB = new CopyOnWriteArrayList<>();
    private final List<String> threadsOfB = new CopyOnWriteArrayList<>();
    private Vertx vertxA;
    private Vertx vertxB;
    private Routes a;
    private Routes b;
    private int portB;

    @BeforeEach
    void start() throws Exception {
        vertxA = Vertx.vertx();
        vertxB = Vertx.vertx();
        a = new Routes(vertxA, CLUSTER, "a", id -> id.equals(idB) ? "b" : null, (from, topic, payload) -> { });
        a.localId(idA);
        b = new Routes(vertxB, CLUSTER, "b", viewOfB::get, (from, topic, payload) -> {
            receivedByB.add(from + "/" + topic + "/" + payload.toString());
            threadsOfB.add(Thread.currentThread().getName());
        });
        b.localId(idB);
        viewOfB.put(idA, "a");
        viewOfB.put(idB, "b");
        portB = b.listen("127.0.0.1", 0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        a.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        b.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertxA.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertxB.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private RoutePeer peerB(int port) {
        return new RoutePeer("b", idB, () -> "127.0.0.1", port);
    }

    private static List<String> expected(int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> "a/bus/m" + i).toList();
    }

    @Test
    void messagesArriveInOrderOnAnEventLoopOfTheReceiver() {
        for (int i = 0; i < 1000; i++) {
            a.send(peerB(portB), "bus", Buffer.buffer("m" + i));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> receivedByB.size() >= 1000);
        assertThat(receivedByB).containsExactlyElementsOf(expected(1000));
        assertThat(threadsOfB).allMatch(t -> t.startsWith("vert.x-eventloop-thread-"));
        // Acknowledged: nothing is held for b once it has everything (ACK at the latest after ACK_AFTER_MS).
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> a.heldBytes(idB) == 0);
    }

    /**
     * The connection is cut three times while messages flow: every message arrives, once, in order (what was written
     * on a cut connection and not acknowledged is written again on the next, from where the receiver says it is).
     */
    @Test
    void nothingIsLostNorDoubledWhenTheConnectionBreaks() throws Exception {
        try (Relay relay = new Relay(portB)) {
            int n = 60_000;
            Thread sender = new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    a.send(peerB(relay.port()), "bus", Buffer.buffer("m" + i));
                    if (i % 5000 == 0) {
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            });
            sender.start();
            for (int cut = 0; cut < 3; cut++) {
                int before = receivedByB.size();
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> receivedByB.size() > before + 2000
                    || receivedByB.size() == n);
                relay.cutAll();
            }
            sender.join(10_000);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> receivedByB.size() >= n);
            assertThat(relay.connections()).as("connections the relay carried").isGreaterThanOrEqualTo(2);
            assertThat(receivedByB).containsExactlyElementsOf(expected(n));
        }
    }

    /** A sender b does not (yet) count as a member is refused, keeps what it sent, and gets it through once it is. */
    @Test
    void aSenderOutsideTheViewIsRefusedUntilItIsInIt() throws Exception {
        viewOfB.remove(idA);
        for (int i = 0; i < 10; i++) {
            a.send(peerB(portB), "bus", Buffer.buffer("m" + i));
        }
        Thread.sleep(300);
        assertThat(receivedByB).isEmpty();
        viewOfB.put(idA, "a");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> receivedByB.size() >= 10);
        assertThat(receivedByB).containsExactlyElementsOf(expected(10));
    }

    /** A route to the process that had b's name before it restarted is refused by the new one: nothing reaches it. */
    @Test
    void aRouteToAnEarlierProcessIsRefused() throws Exception {
        RoutePeer earlier = new RoutePeer("b", UUID.randomUUID(), () -> "127.0.0.1", portB);
        try (Socket s = new Socket("127.0.0.1", portB)) {
            write(s, RouteFrames.hello(CLUSTER, "a", idA, earlier.id(), 1, 0));
            assertThat(readFrameType(s)).isEqualTo(RouteFrames.REFUSE);
            assertThat(s.getInputStream().read()).as("closed after REFUSE").isEqualTo(-1);
        }
    }

    @Test
    void strangersAreRefusedOrClosed() throws Exception {
        // Another cluster's name.
        try (Socket s = new Socket("127.0.0.1", portB)) {
            write(s, RouteFrames.hello("another", "a", idA, idB, 1, 0));
            assertThat(readFrameType(s)).isEqualTo(RouteFrames.REFUSE);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        // Not a route at all: an HTTP request. Its first four bytes read as a length far above a HELLO's bound.
        try (Socket s = new Socket("127.0.0.1", portB)) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        // A 2 GiB length after a valid HELLO: closed, nothing allocated for it.
        try (Socket s = new Socket("127.0.0.1", portB)) {
            write(s, RouteFrames.hello(CLUSTER, "a", idA, idB, 7, 0));
            assertThat(readFrameType(s)).isEqualTo(RouteFrames.WELCOME);
            new DataOutputStream(s.getOutputStream()).writeInt(Integer.MAX_VALUE);
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        // A frame type a sender never sends.
        try (Socket s = new Socket("127.0.0.1", portB)) {
            write(s, RouteFrames.hello(CLUSTER, "a", idA, idB, 8, 0));
            assertThat(readFrameType(s)).isEqualTo(RouteFrames.WELCOME);
            write(s, RouteFrames.ack(3));
            s.setSoTimeout(5000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(receivedByB).isEmpty();
        // The real member still gets through.
        a.send(peerB(portB), "bus", Buffer.buffer("m0"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> receivedByB.size() == 1);
    }

    /** A silent connection (no HELLO) is closed after HELLO_TIMEOUT_MS. */
    @Test
    void aConnectionThatSaysNothingIsClosed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", portB)) {
            s.setSoTimeout((int) Routes.HELLO_TIMEOUT_MS + 5000);
            long start = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(4));
        }
    }

    /**
     * A member that welcomes the route and then reads nothing (hung): the sender holds up to MAX_HELD_BYTES, drops
     * and counts the rest, and never waits (each send returns at once).
     */
    @Test
    void pastTheBoundMessagesAreDroppedAndCountedNotWaitedFor() throws Exception {
        try (ServerSocket hung = new ServerSocket()) {
            hung.bind(new InetSocketAddress("127.0.0.1", 0));
            hung.setReceiveBufferSize(64 * 1024);
            Thread acceptor = new Thread(() -> {
                try {
                    Socket s = hung.accept();
                    write(s, RouteFrames.welcome(0));
                    Thread.sleep(60_000); // never reads, never acknowledges
                } catch (Exception ignored) {
                    // the test ended
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            RoutePeer peer = new RoutePeer("b", idB, () -> "127.0.0.1", hung.getLocalPort());
            Buffer mib = Buffer.buffer(new byte[1024 * 1024]);
            long slowestMs = 0;
            for (int i = 0; i < 100; i++) {
                long t = System.nanoTime();
                a.send(peer, "bus", mib);
                slowestMs = Math.max(slowestMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t));
            }
            assertThat(a.heldBytes(idB)).isLessThanOrEqualTo(Routes.MAX_HELD_BYTES)
                .isGreaterThan(Routes.MAX_HELD_BYTES - 2 * 1024 * 1024);
            assertThat(a.dropped()).isEqualTo(100 - Routes.MAX_HELD_BYTES / (1024 * 1024 + 10));
            assertThat(slowestMs).as("longest send (ms)").isLessThan(1000);
        }
    }

    /**
     * A member that reads everything and acknowledges only when the test says: past BACKLOG_BYTES unacknowledged the
     * route is backlogged and keeps who asked; they are called once, when acknowledgements bring it under half of
     * that (not before), and again when the member leaves while they wait.
     */
    @Test
    void aBackloggedRouteCallsItsWaitersOnceItHasClearedOrClosed() throws Exception {
        try (ServerSocket slow = new ServerSocket()) {
            slow.bind(new InetSocketAddress("127.0.0.1", 0));
            java.util.concurrent.CompletableFuture<Socket> accepted = new java.util.concurrent.CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    Socket s = slow.accept();
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    byte[] hello = new byte[in.readInt()];
                    in.readFully(hello);
                    write(s, RouteFrames.welcome(0));
                    accepted.complete(s);
                    byte[] frame = new byte[2 * 1024 * 1024];
                    while (true) {
                        in.readFully(frame, 0, in.readInt()); // reads all, acknowledges only when told
                    }
                } catch (Exception ignored) {
                    // the test ended
                }
            });
            reader.setDaemon(true);
            reader.start();
            RoutePeer peer = new RoutePeer("b", idB, () -> "127.0.0.1", slow.getLocalPort());
            java.util.concurrent.atomic.AtomicInteger called = new java.util.concurrent.atomic.AtomicInteger();
            assertThat(a.backlogged(peer, called::incrementAndGet)).as("no route yet").isFalse();
            Buffer mib = Buffer.buffer(new byte[1024 * 1024]);
            int perBacklog = (int) (Routes.BACKLOG_BYTES / (1024 * 1024));
            for (int i = 0; i < perBacklog - 1; i++) {
                a.send(peer, "bus", mib);
            }
            assertThat(a.backlogged(peer, called::incrementAndGet)).as("under BACKLOG_BYTES").isFalse();
            a.send(peer, "bus", mib);
            a.send(peer, "bus", mib);
            assertThat(a.backlogged(peer, called::incrementAndGet)).isTrue();
            assertThat(a.backlogged(peer, called::incrementAndGet)).isTrue();
            Socket s = accepted.get(10, TimeUnit.SECONDS);

            write(s, RouteFrames.ack(6)); // 11 MiB left: over half of BACKLOG_BYTES
            Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> a.heldBytes(idB) < (perBacklog - 4) * (1024L * 1024));
            Thread.sleep(100);
            assertThat(called).as("still over half of BACKLOG_BYTES").hasValue(0);

            write(s, RouteFrames.ack(perBacklog - 6)); // under half
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> called.get() == 2);
            write(s, RouteFrames.ack(perBacklog + 1));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> a.heldBytes(idB) == 0);
            assertThat(called).as("each waiter once").hasValue(2);
            assertThat(a.backlogWaits()).as("waits counted (the metric)").isEqualTo(2);
            assertThat(a.backlogged(peer, called::incrementAndGet)).isFalse();

            for (int i = 0; i < perBacklog; i++) {
                a.send(peer, "bus", mib);
            }
            assertThat(a.backlogged(peer, called::incrementAndGet)).isTrue();
            a.retain(Set.of(idA)); // b left the view
            assertThat(called).as("a waiter is called when the member leaves").hasValue(3);
        }
    }

    /**
     * The receiver forgets the sender (it left the receiver's view) while the sender keeps its route (the receiver
     * never left the sender's view), then takes it back: the route goes on where it was, and what b acknowledges
     * again frees what a holds (counted from the oldest message a still held, not from 0).
     */
    @Test
    void aReceiverThatForgotTheSenderGoesOnFromWhereTheSenderIs() throws Exception {
        for (int i = 0; i < 100; i++) {
            a.send(peerB(portB), "bus", Buffer.buffer("m" + i));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> receivedByB.size() == 100);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> a.heldBytes(idB) == 0);
        viewOfB.remove(idA);
        b.retain(Set.of(idB));
        Thread.sleep(100);
        viewOfB.put(idA, "a");
        for (int i = 100; i < 200; i++) {
            a.send(peerB(portB), "bus", Buffer.buffer("m" + i));
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> receivedByB.size() == 200);
        assertThat(receivedByB).containsExactlyElementsOf(expected(200));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> a.heldBytes(idB) == 0);
    }

    /** A member that left the view: its route is closed, what was held for it dropped. */
    @Test
    void aMemberThatLeftTakesItsRouteWithIt() {
        a.send(peerB(portB), "bus", Buffer.buffer("m0"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> receivedByB.size() == 1);
        a.retain(Set.of(idA));
        assertThat(a.heldBytes(idB)).isZero();
        // A later send (a new route: the member came back) starts counting again, and b takes it as a new session.
        a.send(peerB(portB), "bus", Buffer.buffer("m1"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> receivedByB.size() == 2);
        assertThat(receivedByB).containsExactly("a/bus/m0", "a/bus/m1");
    }

    /**
     * The route's connection belongs to the loop that sends most: opened by the first sender's loop, moved to another
     * that sends three quarters of a window's messages, left where it is when two loops share the traffic; every
     * message arrives once and in order across the moves (the unacknowledged ones are written again on the new
     * connection, from where the receiver's WELCOME says it is).
     */
    @Test
    void aRouteFollowsTheEventLoopThatSendsMostAndLosesNothingWhenItMoves() throws Exception {
        a.followWindow(Duration.ofMillis(50));
        io.vertx.core.impl.ContextInternal[] loops = contextsOnTwoLoopsOfA();
        io.vertx.core.impl.ContextInternal x = loops[0];
        io.vertx.core.impl.ContextInternal y = loops[1];
        int[] next = {0};
        for (int i = 0; i < 3; i++) {
            burst(x, next, 1500, true);
        }
        assertThat(a.writer(idB)).as("opened by its first sender's loop").isSameAs(x.nettyEventLoop());
        assertThat(a.moves(idB)).isZero();
        for (int i = 0; i < 3; i++) {
            burst(y, next, 1500, true);
        }
        assertThat(a.writer(idB)).as("moved to the loop that sends now").isSameAs(y.nettyEventLoop());
        int moves = a.moves(idB);
        assertThat(moves).isPositive();
        assertThat(a.moves()).as("all routes' moves (the metric)").isEqualTo(moves);
        for (int i = 0; i < 4; i++) {
            // Within one window: 1,500 messages, half from each loop.
            burst(x, next, 750, false);
            burst(y, next, 750, true);
        }
        assertThat(a.moves(idB)).as("two loops sharing the traffic: no move").isEqualTo(moves);
        int n = next[0];
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> receivedByB.size() >= n);
        assertThat(receivedByB).containsExactlyElementsOf(expected(n));
    }

    /**
     * A route with more than {@link Routes#FOLLOW_MAX_HELD_BYTES} unacknowledged does not move (a move writes all of
     * it again): a receiver that welcomes and reads but never acknowledges keeps the one connection, however the
     * senders' loops change.
     */
    @Test
    void aRouteWithMuchUnacknowledgedStaysWhereItIs() throws Exception {
        a.followWindow(Duration.ofMillis(50));
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread acceptor = new Thread(() -> {
                while (!silent.isClosed()) {
                    try {
                        Socket s = silent.accept();
                        accepted.incrementAndGet();
                        write(s, RouteFrames.welcome(0));
                        Thread reader = new Thread(() -> {
                            try (s) {
                                s.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                            } catch (IOException ignored) {
                                // closed
                            }
                        });
                        reader.setDaemon(true);
                        reader.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            RoutePeer peer = new RoutePeer("b", idB, () -> "127.0.0.1", silent.getLocalPort());
            io.vertx.core.impl.ContextInternal[] loops = contextsOnTwoLoopsOfA();
            io.vertx.core.impl.ContextInternal x = loops[0];
            io.vertx.core.impl.ContextInternal y = loops[1];
            Buffer kib = Buffer.buffer(new byte[1024]);
            sendFrom(x, peer, 1500, k -> kib);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> accepted.get() == 1);
            Thread.sleep(60);
            for (int i = 0; i < 3; i++) {
                sendFrom(y, peer, 1500, k -> kib);
                Thread.sleep(60);
            }
            assertThat(a.heldBytes(idB)).isGreaterThan(Routes.FOLLOW_MAX_HELD_BYTES);
            assertThat(a.moves(idB)).isZero();
            assertThat(a.writer(idB)).isSameAs(x.nettyEventLoop());
            assertThat(accepted.get()).as("connections the receiver saw").isEqualTo(1);
        }
    }

    /** Two contexts of a's Vert.x on two different event loops. */
    private io.vertx.core.impl.ContextInternal[] contextsOnTwoLoopsOfA() {
        io.vertx.core.impl.VertxInternal v = (io.vertx.core.impl.VertxInternal) vertxA;
        io.vertx.core.impl.ContextInternal x = v.createEventLoopContext();
        io.vertx.core.impl.ContextInternal y = v.createEventLoopContext();
        while (y.nettyEventLoop() == x.nettyEventLoop()) {
            y = v.createEventLoopContext();
        }
        return new io.vertx.core.impl.ContextInternal[] {x, y};
    }

    /** Sends {@code count} messages ({@code message} of 0, 1, ...) to {@code peer} from {@code on}'s event loop. */
    private void sendFrom(io.vertx.core.Context on, RoutePeer peer, int count,
                          java.util.function.IntFunction<Buffer> message) throws Exception {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        on.runOnContext(ignored -> {
            for (int i = 0; i < count; i++) {
                a.send(peer, "bus", message.apply(i));
            }
            done.complete(null);
        });
        done.get(10, TimeUnit.SECONDS);
    }

    /** Sends {@code count} numbered messages to b from {@code on}'s event loop, then maybe waits past a window. */
    private void burst(io.vertx.core.Context on, int[] next, int count, boolean thenWait) throws Exception {
        int first = next[0];
        next[0] += count;
        sendFrom(on, peerB(portB), count, i -> Buffer.buffer("m" + (first + i)));
        if (thenWait) {
            Thread.sleep(60);
        }
    }

    private static void write(Socket s, Buffer frame) throws IOException {
        s.getOutputStream().write(frame.getBytes());
        s.getOutputStream().flush();
    }

    private static byte readFrameType(Socket s) throws IOException {
        s.setSoTimeout(5000);
        DataInputStream in = new DataInputStream(s.getInputStream());
        int length = in.readInt();
        byte type = in.readByte();
        in.skipNBytes(length - 1);
        return type;
    }

    /** A TCP relay on its own Vert.x: forwards each connection to {@code target}; {@link #cutAll} closes them. */
    private static final class Relay implements AutoCloseable {
        private final Vertx vertx = Vertx.vertx();
        private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
        private final java.util.concurrent.atomic.AtomicInteger carried = new java.util.concurrent.atomic.AtomicInteger();
        private final NetServer server;

        Relay(int target) throws Exception {
            server = vertx.createNetServer().connectHandler(in -> {
                in.pause();
                carried.incrementAndGet();
                vertx.createNetClient().connect(target, "127.0.0.1").onSuccess(out -> {
                    open.add(in);
                    open.add(out);
                    in.handler(out::write);
                    out.handler(in::write);
                    in.closeHandler(v -> out.close());
                    out.closeHandler(v -> in.close());
                    in.resume();
                }).onFailure(t -> in.close());
            });
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        int port() {
            return server.actualPort();
        }

        int connections() {
            return carried.get();
        }

        void cutAll() {
            open.forEach(NetSocket::close);
            open.clear();
        }

        @Override
        public void close() throws Exception {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}

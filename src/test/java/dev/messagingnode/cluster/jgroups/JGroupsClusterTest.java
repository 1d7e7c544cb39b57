package dev.messagingnode.cluster.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import dev.messagingnode.cluster.ClusterSettings;
import dev.messagingnode.process.NodeProcess;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jgroups.Event;
import org.jgroups.stack.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JGroups cluster on its own: what its handlers may count on when a node joins. */
class JGroupsClusterTest {

    private final Vertx vertx = Vertx.vertx();
    private JGroupsCluster first;
    private JGroupsCluster second;

    @AfterEach
    void stop() throws Exception {
        for (JGroupsCluster c : new JGroupsCluster[] {second, first}) {
            if (c != null) {
                c.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /**
     * The directory announces a node's exchanges from its membership handler, on the first view it sees. That view
     * is installed inside JGroups' {@code connect()}, and a message sent before {@code connect()} returned used to
     * be dropped: here {@code connect()} is held open for half a second after the view, and the broadcast must
     * still arrive.
     */
    @Test
    void aBroadcastFromTheFirstViewsHandlerReachesTheOthers() throws Exception {
        TwoMembers two = TwoMembers.fresh("join");
        first = new JGroupsCluster(vertx, two.settings("a"));
        CompletableFuture<String> heard = new CompletableFuture<>();
        first.messageHandler("hello", m -> heard.complete(m.from() + ": " + m.payload()));
        first.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

        second = new JGroupsCluster(vertx, two.settings("b"), List.of(),
            channel -> channel.getProtocolStack().insertProtocolAtTop(new SlowConnect()));
        second.membershipHandler(view -> {
            if (view.joined().contains("b")) {
                second.broadcast("hello", Buffer.buffer("b is here"));
            }
        });
        second.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(heard.get(10, TimeUnit.SECONDS)).isEqualTo("b: b is here");
    }

    /**
     * A message between nodes goes up the receiving stack on the thread that read it from the connection: JGroups'
     * default hands every message to its thread pool first, one more wake-up on each hop of a request (most of the
     * latency of one request in flight across two nodes).
     */
    @Test
    void aMessageGoesUpOnTheThreadThatReadItNotThroughAPool() throws Exception {
        TwoMembers two = TwoMembers.fresh("direct");
        UpThreads upThreads = new UpThreads();
        first = new JGroupsCluster(vertx, two.settings("a"), List.of(),
            channel -> channel.getProtocolStack().insertProtocolAtTop(upThreads));
        startFirstThenSecond(two);

        // The first message between two members may wait in UNICAST3 for its connection and go up later on
        // whichever thread completes it: the messages after it are the ones in question.
        CompletableFuture<String> firstHeard = new CompletableFuture<>();
        java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(20);
        first.messageHandler("hello", m -> {
            firstHeard.complete(String.valueOf(m.payload()));
            all.countDown();
        });
        second.send("a", "hello", Buffer.buffer("from b"));
        assertThat(firstHeard.get(10, TimeUnit.SECONDS)).isEqualTo("from b");
        upThreads.names.clear();

        for (int i = 1; i < 20; i++) {
            second.send("a", "hello", Buffer.buffer("from b " + i));
            Thread.sleep(5);
        }

        assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(upThreads.names).hasSize(19)
            .allSatisfy(thread -> assertThat(thread).startsWith("NioServer.Selector"));
    }

    /**
     * The per-sender topics (the transport's) travel over the route, read and handled on an event loop of the
     * receiver, never up JGroups' stack; other topics stay on JGroups. A member that runs without routes
     * ({@code route-port} -1, or a release before them) is sent everything over JGroups.
     */
    @Test
    void perSenderTopicsTravelOverTheRouteOthersOverJGroups() throws Exception {
        TwoMembers two = TwoMembers.fresh("routes");
        UpThreads upThreads = new UpThreads();
        first = new JGroupsCluster(vertx, two.settings("a"), List.of(),
            channel -> channel.getProtocolStack().insertProtocolAtTop(upThreads));
        java.util.List<String> bus = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<String> busThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<String> hello = new CompletableFuture<>();
        first.messageHandlerPerSender("bus", m -> {
            bus.add(m.from() + ":" + m.payload());
            busThreads.add(Thread.currentThread().getName());
        });
        first.messageHandler("hello", m -> hello.complete(m.from() + ":" + m.payload()));
        startFirstThenSecond(two);
        second.messageHandlerPerSender("bus", m -> { });
        upThreads.names.clear();

        for (int i = 0; i < 20; i++) {
            second.send("a", "bus", Buffer.buffer("m" + i));
        }
        second.send("a", "hello", Buffer.buffer("over JGroups"));
        assertThat(hello.get(10, TimeUnit.SECONDS)).isEqualTo("b:over JGroups");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> bus.size() == 20);
        assertThat(bus).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "b:m" + i)
            .toList());
        assertThat(busThreads).allSatisfy(t -> assertThat(t).startsWith("vert.x-eventloop-thread-"));
        assertThat(upThreads.names).as("messages with a body up a's JGroups stack").hasSize(1);

        // b again, without routes: a sends it the transport's topic over JGroups.
        second.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !first.members().contains("b"));
        second = new JGroupsCluster(vertx, two.settings("b").withRoutePort(-1));
        java.util.List<String> atB = new java.util.concurrent.CopyOnWriteArrayList<>();
        second.messageHandlerPerSender("bus", m -> atB.add(m.payload().toString()));
        second.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> first.members().contains("b"));
        for (int i = 0; i < 5; i++) {
            first.send("b", "bus", Buffer.buffer("j" + i));
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> atB.size() == 5);
        assertThat(atB).containsExactly("j0", "j1", "j2", "j3", "j4");
    }

    /**
     * Small messages are written by the thread that sends them and large ones (a chunk's fragments) by a sending
     * thread (SizeSplitBundler), so a small one may reach the connection before a large one sent earlier: they still
     * go up in the order they were sent.
     */
    @Test
    void smallAndLargeMessagesFromOneSenderArriveInTheOrderSent() throws Exception {
        TwoMembers two = TwoMembers.fresh("order");
        first = new JGroupsCluster(vertx, two.settings("a"));
        java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        first.messageHandler("seq", m -> heard.add(m.payload().getString(0, Math.min(8, m.payload().length()))
            .trim() + "/" + m.payload().length()));
        startFirstThenSecond(two);

        java.util.List<String> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            // Every fifth a chunk of 200 KB (fragments above SizeSplitBundler's threshold), the rest a few bytes.
            int size = i % 5 == 0 ? 200_000 : 8;
            Buffer b = Buffer.buffer(String.format("%-8d", i));
            b.appendBytes(new byte[size - 8]);
            second.send("a", "seq", b);
            sent.add(i + "/" + size);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> heard.size() == sent.size());
        assertThat(heard).containsExactlyElementsOf(sent);
    }

    /**
     * The cluster port reads a length prefix before its message. A stranger's connection that greets as a member
     * and then announces 2 GiB is closed (JGroups' max_length) and costs nothing else: unbounded, the selector
     * thread that reads every connection allocated what the prefix said.
     */
    @Test
    void aHugeLengthPrefixOnTheClusterPortClosesThatConnectionOnly() throws Exception {
        TwoMembers two = TwoMembers.fresh("hostile");
        first = new JGroupsCluster(vertx, two.settings("a"));
        java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        first.messageHandler("hello", m -> heard.add(String.valueOf(m.payload())));
        java.util.List<String> left = new java.util.concurrent.CopyOnWriteArrayList<>();
        first.membershipHandler(view -> left.addAll(view.left()));
        startFirstThenSecond(two);

        assertThat(readAfterAHugeLengthPrefix(two.portA())).as("the node closes the stranger's connection")
            .isEqualTo(-1);
        for (int i = 0; i < 5; i++) {
            second.send("a", "hello", Buffer.buffer("after " + i));
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 5);
        assertThat(heard).containsExactly("after 0", "after 1", "after 2", "after 3", "after 4");
        // Longer than failure detection (3 s here): the member's heartbeats are still read.
        Thread.sleep(4_000);
        assertThat(left).as("members that left a's view").isEmpty();
    }

    /**
     * The failure-detection port (FD_SOCK2's server, beside the cluster port) bounds what it reads as the cluster
     * port does: a stranger's 2 GiB length prefix closes that connection, where FD_SOCK2 alone would allocate it, and
     * the members go on.
     */
    @Test
    void aHugeLengthPrefixOnTheFailureDetectionPortClosesThatConnectionOnly() throws Exception {
        TwoMembers two = TwoMembers.fresh("fdhostile");
        org.jgroups.JChannel[] channel = new org.jgroups.JChannel[1];
        first = new JGroupsCluster(vertx, two.settings("a"), List.of(), c -> channel[0] = c);
        java.util.List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        first.messageHandler("hello", m -> heard.add(String.valueOf(m.payload())));
        java.util.List<String> left = new java.util.concurrent.CopyOnWriteArrayList<>();
        first.membershipHandler(view -> left.addAll(view.left()));
        startFirstThenSecond(two);
        org.jgroups.protocols.FD_SOCK2 fd = channel[0].getProtocolStack()
            .findProtocol(org.jgroups.protocols.FD_SOCK2.class);

        assertThat(readAfterAHugeLengthPrefix(fd.getActualBindPort())).as("the node closes the stranger's connection")
            .isEqualTo(-1);
        second.send("a", "hello", Buffer.buffer("after"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 1);
        assertThat(left).as("members that left a's view").isEmpty();
        assertThat(first.members()).contains("b");
    }

    /**
     * The bound on what one node has in flight to another (JGroups' UFC, 5 MB of credit per member) and its
     * outcome, as the README documents it: past it the sending thread waits for credit, and a member cut off (its
     * packets dropped) returns none, so an event loop that sends to it waits until failure detection removes the
     * member from the view (3 s here, then VERIFY_SUSPECT2's 0.5 s), then goes on; what it sent meanwhile is dropped
     * with the member. Measured once: 4.1 s for 16 MB. Not longer than that, and not for ever.
     */
    @Test
    void sendingToAMemberCutOffHoldsTheEventLoopOnlyUntilTheMemberIsSuspected() throws Exception {
        TwoMembers two = TwoMembers.fresh("cut");
        first = new JGroupsCluster(vertx, two.settings("a"));
        startFirstThenSecond(two);
        Partitions.isolate(second);

        // 16 MB in 8 KiB messages, from one event loop.
        CompletableFuture<Long> heldMs = new CompletableFuture<>();
        vertx.getOrCreateContext().runOnContext(v -> {
            long start = System.nanoTime();
            Buffer payload = Buffer.buffer(new byte[8192]);
            for (int i = 0; i < 2048; i++) {
                first.send("b", "cut", payload);
            }
            heldMs.complete((System.nanoTime() - start) / 1_000_000);
        });

        long held = heldMs.get(30, TimeUnit.SECONDS);
        assertThat(first.members()).as("b was removed from a's view").doesNotContain("b");
        // Credit for the first 5 MB was there: the loop waited for the rest, until b left a's view.
        assertThat(held).as("ms the event loop was held").isBetween(1_000L, 8_000L);
    }

    /**
     * The socket failure detector (FD_SOCK2, beside the transport) listens on the node's bind address only, and so
     * names itself by it. On the wildcard it named itself by this host's name resolved (127.0.0.1 here): nodes on
     * such hosts (PartitionIT's three network namespaces) all claimed the same address, their connects were
     * answered on each other's connections and timed out, and members were suspected and excluded all the time.
     * It also listened on every interface of a host whose operator had bound the cluster to one.
     */
    @Test
    void failureDetectionListensOnTheBindAddressOnly() throws Exception {
        int port = NodeProcess.freePort();
        String name = "fd-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        org.jgroups.JChannel[] channel = new org.jgroups.JChannel[1];
        first = new JGroupsCluster(vertx, new ClusterSettings(name, "a", "127.0.0.2", port,
            ClusterSettings.Discovery.TCPPING, List.of("127.0.0.2:" + port), null, Duration.ofSeconds(3)), List.of(),
            c -> channel[0] = c);
        first.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        org.jgroups.protocols.FD_SOCK2 fd = channel[0].getProtocolStack()
            .findProtocol(org.jgroups.protocols.FD_SOCK2.class);
        // Our subclass (SocketFailureDetection) speaks as FD_SOCK2 to every member, of this release or another.
        assertThat(fd.getId()).isNotZero()
            .isEqualTo(org.jgroups.conf.ClassConfigurator.getProtocolId(org.jgroups.protocols.FD_SOCK2.class));
        int fdPort = fd.getActualBindPort();
        assertThat(fdPort).isPositive();

        try (java.net.Socket onBindAddress = new java.net.Socket("127.0.0.2", fdPort)) {
            assertThat(onBindAddress.isConnected()).isTrue();
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", fdPort).close())
            .as("another address of this host")
            .isInstanceOf(java.net.ConnectException.class);
    }

    /**
     * A view change makes FD_SOCK2 connect to its new neighbour and wait for the answer (up to a second). The view
     * is installed on the thread that read it, the transport's reader of every cluster connection: while the
     * connect waited there, nothing from any member was read (heartbeats included), and one hanging connect was a
     * second in which the others could suspect this node. Here c's first failure-detection port answers nothing
     * (a listener that never replies; c's FD_SOCK2 takes the next), so b's connect to c, when c joins, waits a
     * second; a's messages to b over JGroups must keep arriving meanwhile.
     */
    @Test
    void aFailureDetectionConnectThatHangsDoesNotStopTheClusterReader() throws Exception {
        int portA = NodeProcess.freePort();
        int portB = NodeProcess.freePort();
        int portC = NodeProcess.freePort();
        String name = "fdhang-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        List<String> seeds = List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB, "127.0.0.1:" + portC);
        java.util.function.Function<String, ClusterSettings> settings = node -> new ClusterSettings(name, node,
            "127.0.0.1", node.equals("a") ? portA : node.equals("b") ? portB : portC, ClusterSettings.Discovery.TCPPING,
            seeds, null, Duration.ofSeconds(3));
        try (java.net.ServerSocket silent = new java.net.ServerSocket()) {
            silent.bind(new java.net.InetSocketAddress("127.0.0.1", portC + 100));
            first = new JGroupsCluster(vertx, settings.apply("a"));
            first.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            second = new JGroupsCluster(vertx, settings.apply("b"));
            java.util.Queue<Long> arrivals = new java.util.concurrent.ConcurrentLinkedQueue<>();
            second.messageHandler("tick", m -> arrivals.add(System.nanoTime()));
            second.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> first.members().contains("b") && second.members().contains("a"));

            long tick = vertx.setPeriodic(5, t -> first.send("b", "tick", Buffer.buffer("t")));
            JGroupsCluster third = new JGroupsCluster(vertx, settings.apply("c"));
            try {
                Thread.sleep(500);
                third.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> second.members().contains("c"));
                Thread.sleep(2_000);
            } finally {
                vertx.cancelTimer(tick);
                third.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            long longest = 0;
            Long previous = null;
            for (long at : arrivals) {
                if (previous != null) {
                    longest = Math.max(longest, at - previous);
                }
                previous = at;
            }
            assertThat(arrivals).hasSizeGreaterThan(100);
            // The hanging connect alone held the reader for its whole timeout (1,000 ms); a margin below that for a
            // busy machine's pauses.
            assertThat(TimeUnit.NANOSECONDS.toMillis(longest)).as("longest gap between a's messages at b, ms")
                .isLessThan(850);
        }
    }

    /**
     * A stranger on {@code port} of 127.0.0.1: the greeting JGroups' NIO connections send (cookie, version, an
     * address), then a length prefix that claims 2 GiB; returns what it then reads, -1 once the node closed it.
     */
    private static int readAfterAHugeLengthPrefix(int port) throws java.io.IOException {
        try (java.net.Socket stranger = new java.net.Socket("127.0.0.1", port)) {
            stranger.setSoTimeout(10_000);
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
            org.jgroups.stack.IpAddress claimed = new org.jgroups.stack.IpAddress("127.0.0.1", 1);
            out.write(org.jgroups.blocks.cs.Connection.cookie);
            out.writeShort(org.jgroups.Version.version);
            out.writeShort(claimed.serializedSize());
            claimed.writeTo(out);
            out.writeInt(0x7FFF_FFF0);
            try {
                stranger.getOutputStream().write(bytes.toByteArray());
                stranger.getOutputStream().flush();
                return stranger.getInputStream().read();
            } catch (java.net.SocketException closedOrReset) {
                return -1;
            }
        }
    }

    /** Starts {@code first} (its handlers set), then a plain member "b", and waits until b sees a. */
    private void startFirstThenSecond(TwoMembers two) throws Exception {
        first.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        second = new JGroupsCluster(vertx, two.settings("b"));
        second.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
            .until(() -> second.members().contains("a"));
    }

    /** A cluster of its own for members "a" and "b", each on a free port, each seeded with both. */
    private record TwoMembers(String name, int portA, int portB) {
        static TwoMembers fresh(String prefix) throws java.io.IOException {
            return new TwoMembers(prefix + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime(),
                NodeProcess.freePort(), NodeProcess.freePort());
        }

        ClusterSettings settings(String node) {
            return new ClusterSettings(name, node, "127.0.0.1", node.equals("a") ? portA : portB,
                ClusterSettings.Discovery.TCPPING, List.of("127.0.0.1:" + portA, "127.0.0.1:" + portB), null,
                Duration.ofSeconds(3));
        }
    }

    /** Records the threads that carry regular messages with a body up to the top of the stack. */
    static final class UpThreads extends Protocol {
        final java.util.Queue<String> names = new java.util.concurrent.ConcurrentLinkedQueue<>();

        @Override
        public Object up(org.jgroups.Message msg) {
            record(msg);
            return up_prot.up(msg);
        }

        @Override
        public void up(org.jgroups.util.MessageBatch batch) {
            batch.forEach(this::record);
            up_prot.up(batch);
        }

        private void record(org.jgroups.Message msg) {
            if (msg.getLength() > 0 && !msg.isFlagSet(org.jgroups.Message.Flag.OOB)) {
                names.add(Thread.currentThread().getName());
            }
        }
    }

    /** Returns from the channel's CONNECT half a second after the layers below it did (and the view came up). */
    static final class SlowConnect extends Protocol {
        @Override
        public Object down(Event evt) {
            Object result = down_prot.down(evt);
            if (evt.type() == Event.CONNECT) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return result;
        }
    }
}

package dev.messagingnode.cluster.jgroups;

import dev.messagingnode.cluster.ClusterSettings;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.util.MessageBatch;

/**
 * What one hop between two nodes costs, without the node around it: round trips of 128-byte messages between two
 * JVMs on one machine, one in flight, in three ways (BENCHMARKS.md, "where a cluster hop's time goes").
 *
 * <ul>
 *   <li>{@code socket}: a Vert.x TCP connection, read and written by the event loops themselves (what a data
 *       connection between nodes, as NATS routes, would cost at best);</li>
 *   <li>{@code jgroups}: the node's JGroups cluster as the transport uses it (written by the sending event loop,
 *       read by TCP_NIO2's selector thread, handed to an event loop, where the handler runs);</li>
 *   <li>{@code jgroups-receiver}: the same stack, answered on the selector thread itself (no hand-over).</li>
 * </ul>
 *
 * Run the echo side first, then the pinging side, with the test classpath (as {@code bench/compare.sh} builds it):
 * <pre>
 *   ./mvnw -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
 *   CP="target/classes:target/test-classes:$(cat target/bench.classpath)"
 *   java -cp "$CP" dev.messagingnode.cluster.jgroups.HopLatency echo socket &amp;
 *   java -cp "$CP" dev.messagingnode.cluster.jgroups.HopLatency ping socket 30000
 * </pre>
 * The echo side runs until it is stopped; the pinging side prints the p50 and p90 of the last three quarters.
 */
public final class HopLatency {

    private static final int SOCKET_PORT = 29999;
    private static final List<String> SEEDS = List.of("127.0.0.1:29801", "127.0.0.1:29802");

    private HopLatency() {
    }

    public static void main(String[] args) throws Exception {
        boolean echo = args[0].equals("echo");
        String way = args[1];
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 30_000;
        Vertx vertx = Vertx.vertx();
        long[] rtt = new long[n];
        CompletableFuture<Void> done = new CompletableFuture<>();
        switch (way) {
            case "socket" -> {
                if (echo) {
                    vertx.createNetServer().connectHandler(s -> s.handler(s::write)).listen(SOCKET_PORT, "127.0.0.1")
                        .toCompletionStage().toCompletableFuture().get();
                } else {
                    socket(vertx, rtt, done);
                }
            }
            case "jgroups", "jgroups-receiver" -> {
                JGroupsCluster c = new JGroupsCluster(vertx, new ClusterSettings("hop-latency", echo ? "a" : "b",
                    "127.0.0.1", echo ? 29801 : 29802, ClusterSettings.Discovery.TCPPING, SEEDS, null,
                    Duration.ofSeconds(3)));
                if (way.equals("jgroups")) {
                    if (echo) {
                        c.messageHandler("ping", m -> c.send(m.from(), "ping", m.payload()));
                        start(c);
                    } else {
                        Pinger p = new Pinger(rtt, done);
                        Buffer message = Buffer.buffer(new byte[128]);
                        c.messageHandler("ping", m -> {
                            if (p.answered()) {
                                c.send("a", "ping", message);
                            }
                        });
                        p.first = () -> vertx.runOnContext(v -> c.send("a", "ping", message));
                        start(c);
                        while (!c.members().contains("a")) {
                            Thread.sleep(100);
                        }
                        p.go();
                    }
                } else {
                    start(c);
                    onReceiver(c.channel(), echo, rtt, done);
                }
            }
            default -> throw new IllegalArgumentException("socket, jgroups or jgroups-receiver, not " + way);
        }
        if (echo) {
            System.out.println("echoing (" + way + ")");
            Thread.sleep(Long.MAX_VALUE);
        }
        done.get();
        long[] last = Arrays.copyOfRange(rtt, n / 4, n);
        Arrays.sort(last);
        System.out.printf("%s: round trip p50 %d us, p90 %d us (%d round trips after %d of warm-up)%n", way,
            last[last.length / 2] / 1000, last[last.length * 9 / 10] / 1000, last.length, n / 4);
        vertx.close();
        System.exit(0);
    }

    private static void start(JGroupsCluster c) throws Exception {
        c.start().toCompletionStage().toCompletableFuture().get();
    }

    /** Times each round trip and says whether to send the next one. */
    private static final class Pinger {
        private final long[] rtt;
        private final CompletableFuture<Void> done;
        private int i;
        private long sentAt;
        Runnable first;

        Pinger(long[] rtt, CompletableFuture<Void> done) {
            this.rtt = rtt;
            this.done = done;
        }

        /** An answer came: true when the next message is to be sent (and its clock started). */
        boolean answered() {
            rtt[i++] = System.nanoTime() - sentAt;
            if (i == rtt.length) {
                done.complete(null);
                return false;
            }
            sentAt = System.nanoTime();
            return true;
        }

        void go() throws InterruptedException {
            Thread.sleep(2000); // the other member in the view, connections up
            sentAt = System.nanoTime();
            first.run();
        }
    }

    private static void socket(Vertx vertx, long[] rtt, CompletableFuture<Void> done) throws Exception {
        NetSocket s = vertx.createNetClient().connect(SOCKET_PORT, "127.0.0.1").toCompletionStage()
            .toCompletableFuture().get();
        Buffer message = Buffer.buffer(new byte[128]);
        Pinger p = new Pinger(rtt, done);
        int[] pending = {0};
        s.handler(b -> {
            pending[0] += b.length();
            while (pending[0] >= 128) {
                pending[0] -= 128;
                if (p.answered()) {
                    s.write(message);
                }
            }
        });
        p.first = () -> vertx.runOnContext(v -> s.write(message));
        p.go();
    }

    private static void onReceiver(JChannel channel, boolean echo, long[] rtt, CompletableFuture<Void> done)
        throws Exception {
        byte[] message = new byte[133];
        Pinger p = new Pinger(rtt, done);
        channel.setReceiver(new Receiver() {
            @Override
            public void receive(Message m) {
                try {
                    if (echo) {
                        channel.send(new BytesMessage(m.getSrc(), m.getArray(), m.getOffset(), m.getLength()));
                    } else if (p.answered()) {
                        channel.send(new BytesMessage(m.getSrc(), message));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void receive(MessageBatch batch) {
                for (Message m : batch) {
                    receive(m);
                }
            }
        });
        if (!echo) {
            while (channel.getView().size() < 2) {
                Thread.sleep(100);
            }
            Address other = channel.getView().getMembers().stream().filter(a -> !a.equals(channel.getAddress()))
                .findFirst().orElseThrow();
            p.first = () -> {
                try {
                    channel.send(new BytesMessage(other, message));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            p.go();
        }
    }
}

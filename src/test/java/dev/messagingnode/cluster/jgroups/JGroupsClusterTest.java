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
        int p1 = NodeProcess.freePort();
        int p2 = NodeProcess.freePort();
        List<String> seeds = List.of("127.0.0.1:" + p1, "127.0.0.1:" + p2);
        String name = "join-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        first = new JGroupsCluster(vertx, settings(name, "a", p1, seeds));
        CompletableFuture<String> heard = new CompletableFuture<>();
        first.messageHandler("hello", m -> heard.complete(m.from() + ": " + m.payload()));
        first.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

        second = new JGroupsCluster(vertx, settings(name, "b", p2, seeds), List.of(),
            channel -> channel.getProtocolStack().insertProtocolAtTop(new SlowConnect()));
        second.membershipHandler(view -> {
            if (view.joined().contains("b")) {
                second.broadcast("hello", Buffer.buffer("b is here"));
            }
        });
        second.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(heard.get(10, TimeUnit.SECONDS)).isEqualTo("b: b is here");
    }

    private static ClusterSettings settings(String cluster, String node, int port, List<String> seeds) {
        return new ClusterSettings(cluster, node, "127.0.0.1", port, ClusterSettings.Discovery.TCPPING, seeds, null,
            Duration.ofSeconds(3));
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

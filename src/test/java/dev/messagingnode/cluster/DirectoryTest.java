package dev.messagingnode.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.HostedExchange;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DirectoryTest {

    private static final ExchangeDefinition RPC = ExchangeDefinition.of("quotes", "request-response");
    private static final ExchangeDefinition RPC_OTHER =
        ExchangeDefinition.of("quotes", "request-response").withOption("max-in-flight", "5");
    private static final ExchangeDefinition JOBS = ExchangeDefinition.of("jobs", "tasks");

    private static Directory directory() {
        return new Directory("tasks"::equals);
    }

    private static Announcement announce(String node, long seq, HostedExchange... hosted) {
        return new Announcement(node, seq, List.of(hosted));
    }

    /**
     * A change re-resolves only the names it touched: after a run of random announcements and departures the
     * directory equals one built afresh from the announcements that are left.
     */
    @Test
    void eachNodeIsWrittenTheWireFormatItAnnouncedAndANodeOfTheFormatOneReleaseGetsFormatOne() {
        // As a node of the release before formats were announced sends it: no wireFormat field.
        Announcement old = Announcement.decode(Buffer.buffer("{\"node\":\"old\",\"seq\":1,\"hosted\":[]}"));
        assertThat(old.wireFormat()).isEqualTo(1);
        Announcement current = Announcement.decode(new Announcement("new", 1, List.of()).encode());
        assertThat(current.wireFormat()).isEqualTo(dev.messagingnode.exchange.WireCodec.FORMAT);
        // A newer release's announcement: unknown fields ignored, and no format above what this node writes.
        Announcement newer = Announcement.decode(Buffer.buffer(
            "{\"node\":\"next\",\"seq\":1,\"hosted\":[],\"wireFormat\":99,\"later\":true}"));
        assertThat(newer.wireFormat()).isEqualTo(dev.messagingnode.exchange.WireCodec.FORMAT);

        Directory d = new Directory(p -> false);
        assertThat(d.wireFormat("old")).isEqualTo(1); // not yet announced: the oldest
        d.apply(old);
        d.apply(current);
        assertThat(d.wireFormat("old")).isEqualTo(1);
        assertThat(d.wireFormat("new")).isEqualTo(2);
        d.retain(List.of("old"));
        assertThat(d.wireFormat("new")).isEqualTo(1);
    }

    @Test
    void batchesGoOnlyToANodeThatAnnouncedItReadsThem() {
        // A node of the release before batches announces no transportFormat: it is sent one message at a time.
        Announcement old = Announcement.decode(Buffer.buffer("{\"node\":\"old\",\"seq\":1,\"hosted\":[],\"wireFormat\":2}"));
        assertThat(old.transportFormat()).isEqualTo(1);
        Announcement current = Announcement.decode(new Announcement("new", 1, List.of()).encode());
        assertThat(current.transportFormat()).isEqualTo(ClusterTransport.TRANSPORT_FORMAT).isEqualTo(2);
        Announcement newer = Announcement.decode(Buffer.buffer(
            "{\"node\":\"next\",\"seq\":1,\"hosted\":[],\"wireFormat\":2,\"transportFormat\":7}"));
        assertThat(newer.transportFormat()).isEqualTo(ClusterTransport.TRANSPORT_FORMAT);

        Directory d = new Directory(p -> false);
        assertThat(d.transportFormat("new")).isEqualTo(1); // not yet announced
        d.apply(old);
        d.apply(current);
        assertThat(d.transportFormat("old")).isEqualTo(1);
        assertThat(d.transportFormat("new")).isEqualTo(2);
        d.retain(List.of("old"));
        assertThat(d.transportFormat("new")).isEqualTo(1);
    }

    @Test
    void updatingNameByNameEndsWhereResolvingEverythingAgainWould() {
        Random random = new Random(7);
        Directory live = directory();
        Map<String, Announcement> last = new java.util.HashMap<>();
        List<String> nodes = List.of("n1", "n2", "n3");
        long[] seq = {0};
        for (int step = 0; step < 300; step++) {
            String node = nodes.get(random.nextInt(nodes.size()));
            if (random.nextInt(10) == 0) {
                List<String> members = new ArrayList<>(nodes);
                members.remove(node);
                live.retain(members);
                last.remove(node);
                continue;
            }
            List<HostedExchange> hosted = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                if (random.nextBoolean()) {
                    ExchangeDefinition d = ExchangeDefinition.of("x" + i, i % 3 == 0 ? "tasks" : "pubsub");
                    hosted.add(new HostedExchange(random.nextBoolean() ? d : d.withOption("p", "1"),
                        random.nextInt(5)));
                }
            }
            Announcement a = new Announcement(node, ++seq[0], List.copyOf(hosted));
            live.apply(a);
            last.put(node, a);
        }
        Directory fresh = directory();
        last.values().forEach(fresh::apply);
        assertThat(live.entries()).isEqualTo(fresh.entries());
        for (String node : nodes) {
            assertThat(live.lostBy(node)).containsExactlyInAnyOrderElementsOf(fresh.lostBy(node));
        }
    }

    @Test
    void aStatelessExchangeWithOneDefinitionIsHostedByEveryNodeThatRunsIt() {
        Directory d = directory();
        d.apply(announce("n2", 1, new HostedExchange(RPC, 200)));
        d.apply(announce("n1", 1, new HostedExchange(RPC, 100)));
        assertThat(d.get("quotes")).hasValueSatisfying(e -> {
            assertThat(e.definition()).isEqualTo(RPC);
            assertThat(e.hosts()).containsExactly("n1", "n2");
        });
        assertThat(d.lostBy("n1")).isEmpty();
        assertThat(d.lostBy("n2")).isEmpty();
    }

    @Test
    void aSingleOwnerExchangeIsHostedByTheOldestCopyOnly() {
        Directory d = directory();
        d.apply(announce("n1", 1, new HostedExchange(JOBS, 300)));
        d.apply(announce("n2", 1, new HostedExchange(JOBS, 100)));
        d.apply(announce("n3", 1, new HostedExchange(JOBS, 100)));
        assertThat(d.get("jobs").orElseThrow().hosts()).containsExactly("n2");
        assertThat(d.lostBy("n1")).containsExactly("jobs");
        assertThat(d.lostBy("n3")).containsExactly("jobs");
    }

    @Test
    void concurrentCreationWithDifferentDefinitionsEndsTheSameWayWhateverTheOrder() {
        List<Announcement> announcements = new ArrayList<>(List.of(
            announce("n1", 1, new HostedExchange(RPC, 1000)),
            announce("n2", 1, new HostedExchange(RPC_OTHER, 1000)),
            announce("n3", 1, new HostedExchange(RPC_OTHER, 1001))));
        Random random = new Random(1);
        Map<String, DirectoryEntry> first = null;
        for (int round = 0; round < 20; round++) {
            Collections.shuffle(announcements, random);
            Directory d = directory();
            announcements.forEach(d::apply);
            if (first == null) {
                first = d.entries();
            }
            assertThat(d.entries()).isEqualTo(first);
        }
        // Same creation time: the node name decides; n1's definition wins, n2 and n3 step down.
        assertThat(first.get("quotes").definition()).isEqualTo(RPC);
        assertThat(first.get("quotes").hosts()).containsExactly("n1");
    }

    @Test
    void aNodeThatLeavesTakesItsEntriesWithIt() {
        Directory d = directory();
        d.apply(announce("n1", 1, new HostedExchange(RPC, 100)));
        d.apply(announce("n2", 1, new HostedExchange(RPC, 200), new HostedExchange(JOBS, 200)));
        assertThat(d.retain(List.of("n1"))).isTrue();
        assertThat(d.get("quotes").orElseThrow().hosts()).containsExactly("n1");
        assertThat(d.get("jobs")).isEmpty();
    }

    @Test
    void aStaleAnnouncementIsIgnoredAndALaterOneReplacesTheNodesWholeList() {
        Directory d = directory();
        assertThat(d.apply(announce("n1", 5, new HostedExchange(RPC, 100), new HostedExchange(JOBS, 100)))).isTrue();
        assertThat(d.apply(announce("n1", 4))).isFalse();
        assertThat(d.entries()).containsOnlyKeys("quotes", "jobs");
        assertThat(d.apply(announce("n1", 6, new HostedExchange(JOBS, 100)))).isTrue();
        assertThat(d.entries()).containsOnlyKeys("jobs");
    }

    @Test
    void announcementsSurviveTheirWireForm() {
        Announcement a = announce("n1", 42, new HostedExchange(RPC_OTHER, 123), new HostedExchange(JOBS, 456));
        Buffer wire = a.encode();
        assertThat(Announcement.decode(wire)).isEqualTo(a);
    }
}

package dev.messagingnode.durable;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The gate in front of RAFT's bounded queue: a bound on commands in flight, order kept, nothing refused. */
class AppendGateTest {

    @Test
    void atMostMaxInFlightAreHandedOnAndTheRestFollowInOrderAsSlotsFree() {
        AppendGate gate = new AppendGate(3, 100);
        List<CompletableFuture<byte[]>> inRaft = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        List<CompletableFuture<byte[]>> results = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int n = i;
            results.add(gate.admit(() -> {
                order.add(n);
                CompletableFuture<byte[]> f = new CompletableFuture<>();
                inRaft.add(f);
                return f;
            }));
        }
        assertThat(order).containsExactly(0, 1, 2);
        assertThat(gate.waiting()).isEqualTo(7);
        byte[] answer = {1};
        inRaft.get(1).complete(answer);
        assertThat(results.get(1)).isCompletedWithValue(answer);
        assertThat(order).containsExactly(0, 1, 2, 3);
        for (int i = 0; i < 10; i++) {
            inRaft.get(i).complete(new byte[0]);
        }
        assertThat(order).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(results).allSatisfy(r -> assertThat(r).isDone());
        assertThat(gate.waiting()).isZero();
    }

    @Test
    void appendsThatFailAtOnceFreeTheirSlotsWithoutRecursingThroughTheQueue() {
        AppendGate gate = new AppendGate(1, 1_000_000);
        CompletableFuture<byte[]> first = new CompletableFuture<>();
        gate.admit(() -> first);
        List<CompletableFuture<byte[]>> refused = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            refused.add(gate.admit(() -> CompletableFuture.failedFuture(new IllegalStateException("not leader"))));
        }
        first.complete(new byte[0]); // 200,000 immediate failures drain in one loop, not 200,000 frames deep
        assertThat(refused).allSatisfy(r -> assertThat(r).isCompletedExceptionally());
    }

    @Test
    void pastMaxWaitingNewEnqueuesAreRefusedWithTheReason() {
        AppendGate gate = new AppendGate(1, 2);
        for (int i = 0; i < 3; i++) {
            gate.admit(CompletableFuture::new);
        }
        assertThat(gate.overloaded()).contains("2 commands wait for the durable log");
    }
}

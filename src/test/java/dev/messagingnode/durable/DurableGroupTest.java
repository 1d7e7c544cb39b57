package dev.messagingnode.durable;

import static dev.messagingnode.testing.LocalNode.await;
import static dev.messagingnode.testing.LocalNode.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.messagingnode.exchange.Failure;
import dev.messagingnode.testing.LocalNode;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The replica set of a node alone: fsync on, where its files are, and what it answers when it may not commit. */
class DurableGroupTest {

    @Test
    void theLogIsFsyncedAndLivesUnderTheDataDirectoryByNodeName() {
        try (LocalNode node = new LocalNode()) {
            assertThat(node.durable.fsyncs()).as("RAFT.log_use_fsync (jgroups-raft's default is false)").isTrue();
            node.create("jobs", "tasks");
            await(node.client.enqueue("jobs", Buffer.buffer("t"), 0));
            assertThat(node.dataDir.resolve("local.log")).isDirectory();
            assertThat(Files.exists(node.dataDir.resolve("local.log").resolve("entries.raft"))).isTrue();
            assertThat(node.durable.role()).isEqualTo("leader");
            assertThat(node.durable.hasQuorum()).isTrue();
        }
    }

    @Test
    void aTransientTasksExchangeWritesNothingToTheLog() {
        try (LocalNode node = new LocalNode()) {
            node.create("fast", "tasks", "durable", "false");
            assertThat(node.durable.ledger().definitions()).isEmpty();
            assertThat(await(node.client.enqueue("fast", Buffer.buffer("t"), 0))).isEqualTo(1L);
            assertThat(node.durable.ledger().definitions()).isEmpty();
        }
    }

    @Test
    void aCommandFromANodeThatDoesNotLeadIsRefusedWithNoQuorum() {
        try (LocalNode node = new LocalNode()) {
            node.create("jobs", "tasks");
            // Stop being the leader: the channel closes, RAFT steps down.
            await(node.durable.stop());
            assertThat(awaitFailure(node.durable.append("jobs", new byte[] {1})).failure())
                .isEqualTo(Failure.NO_QUORUM);
        }
    }
}

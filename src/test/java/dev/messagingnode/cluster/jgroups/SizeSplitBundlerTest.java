package dev.messagingnode.cluster.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.jgroups.BytesMessage;
import org.jgroups.Message;
import org.jgroups.protocols.Bundler;
import org.junit.jupiter.api.Test;

/** Which of its two ways SizeSplitBundler writes a message by: the sender's thread, or a sending thread. */
class SizeSplitBundlerTest {

    /** Records what it was given to send. */
    private static final class Recording implements Bundler {
        final List<Integer> sizes = new ArrayList<>();

        @Override
        public void start() {
        }

        @Override
        public void stop() {
        }

        @Override
        public void send(Message msg) {
            sizes.add(msg.getLength());
        }

        @Override
        public int size() {
            return 0;
        }

        @Override
        public int getQueueSize() {
            return 0;
        }

        @Override
        public int getMaxSize() {
            return 0;
        }
    }

    @Test
    void smallMessagesAreWrittenByTheirSenderLargeOnesByASendingThread() throws Exception {
        Recording direct = new Recording();
        Recording queued = new Recording();
        SizeSplitBundler bundler = new SizeSplitBundler(direct, queued);
        int limit = SizeSplitBundler.DIRECT_BELOW_BYTES;
        for (int size : new int[] {0, 100, limit - 1, limit, 60_000, 8}) {
            bundler.send(new BytesMessage(null, new byte[size]));
        }
        assertThat(direct.sizes).containsExactly(0, 100, limit - 1, 8);
        assertThat(queued.sizes).containsExactly(limit, 60_000);
    }
}

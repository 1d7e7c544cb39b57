package dev.messagingnode.cluster.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameSplitterTest {

    private final List<Buffer> frames = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    private FrameSplitter splitter(int max) {
        return new FrameSplitter(max, frames::add, problems::add);
    }

    private static Buffer framed(Buffer body) {
        return Buffer.buffer().appendInt(body.length()).appendBuffer(body);
    }

    /** Frames of every size, cut into reads at random places (inside a length too): each comes out whole, in order. */
    @Test
    void framesCutAnywhereComeOutWholeAndInOrder() {
        Random random = new Random(42);
        List<Buffer> sent = new ArrayList<>();
        Buffer stream = Buffer.buffer();
        for (int i = 0; i < 300; i++) {
            byte[] body = new byte[1 + random.nextInt(i % 10 == 0 ? 200_000 : 300)];
            random.nextBytes(body);
            sent.add(Buffer.buffer(body));
            stream.appendBuffer(framed(Buffer.buffer(body)));
        }
        FrameSplitter s = splitter(1 << 20);
        int pos = 0;
        while (pos < stream.length()) {
            int n = Math.min(stream.length() - pos, 1 + random.nextInt(random.nextBoolean() ? 7 : 70_000));
            s.handle(stream.slice(pos, pos + n).copy());
            pos += n;
        }
        assertThat(problems).isEmpty();
        assertThat(frames).hasSameSizeAs(sent);
        for (int i = 0; i < sent.size(); i++) {
            assertThat(frames.get(i).getBytes()).as("frame %d", i).isEqualTo(sent.get(i).getBytes());
        }
    }

    /**
     * Large frames read in 64 KiB pieces, each last piece holding the start of the next frame (as a route's reads
     * of chunked responses come): gathered as views of the reads, so this costs next to no new memory (copied into
     * arrays of their own, and grown when the next frame's start came along, it cost three times the frames' bytes).
     */
    @Test
    void aFrameSplitAcrossReadsIsGatheredWithoutCopying() {
        int frameBytes = 1 << 20;
        int count = 16;
        Buffer stream = Buffer.buffer(count * (frameBytes + 4));
        for (int i = 0; i < count; i++) {
            byte[] body = new byte[frameBytes];
            java.util.Arrays.fill(body, (byte) i);
            stream.appendBuffer(framed(Buffer.buffer(body)));
        }
        List<Buffer> reads = new ArrayList<>();
        for (int pos = 0; pos < stream.length(); pos += 65_536) {
            reads.add(stream.slice(pos, Math.min(stream.length(), pos + 65_536)).copy());
        }
        FrameSplitter s = splitter(2 << 20);
        com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        reads.forEach(s::handle);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(problems).isEmpty();
        assertThat(frames).hasSize(count);
        for (int i = 0; i < count; i++) {
            Buffer f = frames.get(i);
            assertThat(f.length()).isEqualTo(frameBytes);
            assertThat(f.getByte(0)).isEqualTo((byte) i);
            assertThat(f.getByte(frameBytes - 1)).isEqualTo((byte) i);
        }
        assertThat(allocated).as("bytes allocated to gather %d MiB", count).isLessThan(frameBytes);
    }

    @Test
    void aLengthOverTheBoundOrZeroEndsTheReading() {
        FrameSplitter s = splitter(4096);
        s.handle(framed(Buffer.buffer("ok")).appendInt(4097).appendString("x"));
        assertThat(frames).hasSize(1);
        assertThat(problems).containsExactly("a frame of 4097 bytes (at most 4096 here)");
        s.handle(framed(Buffer.buffer("after")));
        assertThat(frames).as("nothing after a broken length is read").hasSize(1);

        FrameSplitter split = splitter(4096);
        split.handle(Buffer.buffer().appendShort((short) 0));
        split.handle(Buffer.buffer().appendShort((short) 4097).appendString("x"));
        assertThat(problems).as("a length split across reads is checked too").hasSize(2)
            .last().isEqualTo("a frame of 4097 bytes (at most 4096 here)");
        problems.remove(1);

        FrameSplitter zero = splitter(4096);
        zero.handle(Buffer.buffer().appendInt(0));
        assertThat(problems).hasSize(2);
        FrameSplitter negative = splitter(4096);
        negative.handle(Buffer.buffer().appendInt(-1));
        assertThat(problems.get(2)).isEqualTo("a frame of 4294967295 bytes (at most 4096 here)");
    }

    @Test
    void theBoundCanGrowBetweenFrames() {
        FrameSplitter s = splitter(8);
        s.handle(framed(Buffer.buffer("hello")));
        s.maxFrameBytes(100);
        s.handle(framed(Buffer.buffer("a longer frame")));
        assertThat(problems).isEmpty();
        assertThat(frames).extracting(Buffer::toString).containsExactly("hello", "a longer frame");
    }
}

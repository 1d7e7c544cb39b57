package dev.messagingnode.cluster.route;

import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.BufferImpl;
import java.util.function.Consumer;

/**
 * Cuts what a route connection reads into frames ({@code length(4)} then that many bytes, see {@link RouteFrames}).
 * A frame that arrives whole in one read is handed on as a view of that read, not copied. A frame split across
 * reads is gathered as views of its reads, also without a copy: Vert.x hands each read over as a heap buffer of its
 * own, so keeping it is safe. (Copying them into one array cost a 1 MiB chunk an array zeroed and filled, and, when
 * its last read also held the start of the next frame, that array grown to 2 MiB: a quarter of the receiving event
 * loop under two-node chunked responses, async-profiler.)
 *
 * <p>A length of zero or above {@link #maxFrameBytes} (which the caller may change between frames: small until a
 * peer said who it is) is reported to {@code broken} and ends the reading: the connection is to be closed, nothing
 * after it is trusted. So what is gathered is bounded by the frame length allowed at the time.
 */
final class FrameSplitter implements Handler<Buffer> {

    private final Consumer<Buffer> frame;
    private final Consumer<String> broken;
    private int maxFrameBytes;
    private boolean failed;

    /** The bytes of a length split across reads (fewer than 4 read so far), while {@link #gathering} is null. */
    private final byte[] lengthBytes = new byte[4];
    private int lengthRead;
    /** The frame being gathered (its body, the length not included) and how long it is; null between frames. */
    private CompositeByteBuf gathering;
    private int gatheringLength;

    /**
     * @param frame  called with each frame, type byte first (the length is not part of it)
     * @param broken called once with what was wrong, when a length is out of bounds
     */
    FrameSplitter(int maxFrameBytes, Consumer<Buffer> frame, Consumer<String> broken) {
        this.maxFrameBytes = maxFrameBytes;
        this.frame = frame;
        this.broken = broken;
    }

    void maxFrameBytes(int max) {
        this.maxFrameBytes = max;
    }

    @Override
    public void handle(Buffer read) {
        if (failed) {
            return;
        }
        int pos = finishPending(read);
        int end = read.length();
        while (!failed && pos >= 0 && end - pos >= 4) {
            int length = read.getInt(pos);
            if (!allowed(length)) {
                return;
            }
            if (end - pos - 4 < length) {
                startGathering(length);
                gather(read, pos + 4, end);
                return;
            }
            frame.accept(read.slice(pos + 4, pos + 4 + length));
            pos += 4 + length;
        }
        if (!failed && pos >= 0 && pos < end) {
            // Fewer than four bytes: the start of a length.
            while (pos < end) {
                lengthBytes[lengthRead++] = read.getByte(pos++);
            }
        }
    }

    /**
     * Continues what the previous reads left unfinished (a length, a frame) with the start of {@code read}. Returns
     * where in {@code read} the next frame starts, or -1 when all of it was taken (or the reading failed).
     */
    private int finishPending(Buffer read) {
        int pos = 0;
        int end = read.length();
        if (lengthRead > 0) {
            while (lengthRead < 4 && pos < end) {
                lengthBytes[lengthRead++] = read.getByte(pos++);
            }
            if (lengthRead < 4) {
                return -1;
            }
            int length = (lengthBytes[0] & 0xff) << 24 | (lengthBytes[1] & 0xff) << 16 | (lengthBytes[2] & 0xff) << 8
                | (lengthBytes[3] & 0xff);
            lengthRead = 0;
            if (!allowed(length)) {
                return -1;
            }
            startGathering(length);
        }
        if (gathering == null) {
            return pos;
        }
        int take = Math.min(gatheringLength - gathering.readableBytes(), end - pos);
        gather(read, pos, pos + take);
        pos += take;
        if (gathering.readableBytes() < gatheringLength) {
            return -1;
        }
        Buffer whole = Buffer.buffer(gathering);
        gathering = null;
        frame.accept(whole);
        return failed ? -1 : pos;
    }

    private boolean allowed(int length) {
        if (length > 0 && length <= maxFrameBytes) {
            return true;
        }
        failed = true;
        gathering = null;
        broken.accept("a frame of " + Integer.toUnsignedString(length) + " bytes (at most " + maxFrameBytes
            + " here)");
        return false;
    }

    private void startGathering(int length) {
        // As many parts as reads: never consolidated (that would be the copy this class avoids).
        gathering = Unpooled.compositeBuffer(Integer.MAX_VALUE);
        gatheringLength = length;
    }

    private void gather(Buffer read, int from, int to) {
        if (to > from) {
            gathering.addComponent(true, ((BufferImpl) read).byteBuf().slice(from, to - from));
        }
    }
}

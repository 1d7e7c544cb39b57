package dev.messagingnode.cluster.route;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Cuts what a route connection reads into frames ({@code length(4)} then that many bytes, see {@link RouteFrames}).
 * A frame that arrives whole in one read is handed on as a view of that read, not copied; only a frame split across
 * reads is gathered. A length of zero or above {@link #maxFrameBytes} (which the caller may change between frames:
 * small until a peer said who it is) is reported to {@code tooLong} and ends the reading: the connection is to be
 * closed, nothing after it is trusted.
 */
final class FrameSplitter implements Handler<Buffer> {

    private final Consumer<Buffer> frame;
    private final Consumer<String> broken;
    private Buffer pending;
    private int maxFrameBytes;
    private boolean failed;

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
        Buffer in = read;
        boolean gathered = pending != null;
        if (gathered) {
            pending.appendBuffer(read);
            in = pending;
            pending = null;
        }
        int pos = 0;
        int end = in.length();
        while (!failed && end - pos >= 4) {
            int length = in.getInt(pos);
            if (length <= 0 || length > maxFrameBytes) {
                failed = true;
                broken.accept("a frame of " + Integer.toUnsignedString(length) + " bytes (at most " + maxFrameBytes
                    + " here)");
                return;
            }
            if (end - pos - 4 < length) {
                break;
            }
            frame.accept(in.slice(pos + 4, pos + 4 + length));
            pos += 4 + length;
        }
        if (!failed && pos < end) {
            if (gathered && pos == 0) {
                // Still gathering the same frame: keep appending to it (copying what was gathered at every read
                // made a 1 MiB frame read in 64 KiB pieces cost 8 MiB of copying).
                pending = in;
            } else {
                // The start of a frame whose rest is still to come: copied once, into a buffer of its full length.
                int need = end - pos >= 4 ? 4 + in.getInt(pos) : 4;
                pending = Buffer.buffer(Math.max(need, end - pos)).appendBuffer(in, pos, end - pos);
            }
        }
    }
}

package dev.messagingnode.bridge;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * Cuts the TCP bridge's byte stream into frames: a 4-byte big-endian length, then that many bytes.
 *
 * <pre>
 *  0                   1                   2                   3
 * +-------+-------+-------+-------+--------------------------------+
 * |      length (int32, BE)       |  length bytes of UTF-8 JSON ... |
 * +-------+-------+-------+-------+--------------------------------+
 * </pre>
 *
 * <p>The length is checked as soon as its four bytes are in, before a byte of the body is kept: zero, negative or
 * more than {@code maxFrameBytes} is a {@link FrameProblem} and nothing more is read. So a client announcing 2 GB
 * costs the node four bytes, not 2 GB. At most one frame's body is buffered at a time.
 *
 * <p>The first four bytes of a connection may instead be the binary framing's preface ({@code 'M' 'N' 'B'
 * version}, see {@link BinaryFraming}): read as a length it would be above 1.29 GB, more than any frame the node
 * takes, so no stock client sends it. It is handed to the preface handler, and framing goes on as before.
 */
final class TcpFrameDecoder implements Handler<Buffer> {

    private final int maxFrameBytes;
    private final Handler<Buffer> frames;
    private final Handler<FrameProblem> problems;
    private final Handler<Integer> preface;
    private boolean started;
    private Buffer pending = Buffer.buffer();
    private int expected = -1;
    private boolean failed;

    TcpFrameDecoder(int maxFrameBytes, Handler<Buffer> frames, Handler<FrameProblem> problems) {
        this(maxFrameBytes, frames, problems, null);
    }

    /** With {@code preface} (given the version byte) called when the connection opens with the binary preface. */
    TcpFrameDecoder(int maxFrameBytes, Handler<Buffer> frames, Handler<FrameProblem> problems,
                    Handler<Integer> preface) {
        this.maxFrameBytes = maxFrameBytes;
        this.frames = frames;
        this.problems = problems;
        this.preface = preface;
    }

    @Override
    public void handle(Buffer chunk) {
        if (failed) {
            return;
        }
        pending = pending.length() == 0 ? chunk : pending.appendBuffer(chunk);
        int position = 0;
        if (!started) {
            if (pending.length() < 4) {
                return;
            }
            started = true;
            if (preface != null && BinaryFraming.isPreface(pending, 0)) {
                position = 4;
                preface.handle(pending.getByte(3) & 0xff);
            }
        }
        while (!failed) {
            if (expected < 0) {
                if (pending.length() - position < 4) {
                    break;
                }
                long length = pending.getUnsignedInt(position);
                position += 4;
                if (length == 0 || length > maxFrameBytes) {
                    failed = true;
                    pending = Buffer.buffer();
                    problems.handle(length == 0 ? FrameProblem.EMPTY_FRAME : FrameProblem.tooLarge(length,
                        maxFrameBytes));
                    return;
                }
                expected = (int) length;
            }
            if (pending.length() - position < expected) {
                break;
            }
            Buffer frame = pending.getBuffer(position, position + expected);
            position += expected;
            expected = -1;
            frames.handle(frame);
        }
        pending = position == 0 ? pending : pending.getBuffer(position, pending.length());
    }
}

package dev.messagingnode.remoteclient;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The node's binary bridge framing, client side (the README's wire diagram): a 4-byte preface {@code 'M' 'N' 'B'
 * version}, then frames of {@code length u32 | H u32 | H bytes of JSON header | (n u32 | n raw bytes)*}, where a
 * header member {@code "message": i} stands for segment {@code i} (the node writes them at {@code body.message} and
 * {@code body.messages[k].message}). A {@code byte[]} under {@code message} in a frame
 * given to {@link #write} becomes a segment (at any depth); {@link #read} puts each segment back as a {@code byte[]}.
 */
final class BinaryFrames {

    static final int VERSION = 1;
    private static final String MESSAGE = "message";

    private BinaryFrames() {
    }

    static byte[] preface() {
        return new byte[] {'M', 'N', 'B', (byte) VERSION};
    }

    /** The node's answer to the preface: the version it speaks, or an IOException naming what came instead. */
    static int readPreface(DataInputStream in) throws IOException {
        byte[] answer = new byte[4];
        in.readFully(answer);
        if (answer[0] != 'M' || answer[1] != 'N' || answer[2] != 'B') {
            throw new IOException("the node did not answer the binary preface (got " + Arrays.toString(answer)
                + "): is this the node's TCP bridge port?");
        }
        return answer[3] & 0xff;
    }

    /** Writes {@code frame} with {@code header}, a writer the caller keeps for its frames (one at a time). */
    static void write(Map<String, Object> frame, DataOutputStream out, Json.Writer header) throws IOException {
        header.reset();
        header.value(frame);
        long length = 4L + header.length();
        for (byte[] s : header.segments) {
            length += 4L + s.length;
        }
        if (length > Integer.MAX_VALUE) {
            throw new IOException("a frame of " + length + " bytes is too long");
        }
        out.writeInt((int) length);
        out.writeInt(header.length());
        out.write(header.bytes(), 0, header.length());
        for (byte[] s : header.segments) {
            out.writeInt(s.length);
            out.write(s);
        }
        header.reset(); // no body stays reachable from the writer
    }

    /** The next frame, at most {@code maxFrameBytes} long (a longer one is an IOException: the node is not one). */
    static Map<String, Object> read(DataInputStream in, int maxFrameBytes) throws IOException {
        int length = in.readInt();
        if (length < 4 || length > maxFrameBytes) {
            throw new IOException("a frame of " + Integer.toUnsignedString(length) + " bytes (at most "
                + maxFrameBytes + ")");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        ByteBuffer frame = ByteBuffer.wrap(bytes);
        int h = frame.getInt();
        if (h <= 0 || h > length - 4) {
            throw new IOException("a header of " + h + " bytes in a frame of " + length);
        }
        Map<String, Object> header = Json.parseObject(bytes, 4, 4 + h);
        List<byte[]> segments = new ArrayList<>();
        frame.position(4 + h);
        while (frame.remaining() >= 4) {
            int n = frame.getInt();
            if (n < 0 || n > frame.remaining()) {
                throw new IOException("segment " + segments.size() + " of " + n + " bytes overruns its frame");
            }
            byte[] s = new byte[n];
            frame.get(s);
            segments.add(s);
        }
        resolve(header, segments);
        return header;
    }

    /**
     * Puts each segment back where the node writes bodies: {@code body.message} and, in a sink batch,
     * {@code body.messages[k].message} (a walk of the whole tree was a fifth of a subscriber's CPU).
     */
    private static void resolve(Map<String, Object> frame, List<byte[]> segments) throws IOException {
        if (!(frame.get("body") instanceof Map<?, ?> b)) {
            return;
        }
        @SuppressWarnings("unchecked") Map<String, Object> body = (Map<String, Object>) b;
        resolveMessage(body, segments);
        if (body.get("messages") instanceof List<?> messages) {
            for (Object m : messages) {
                if (m instanceof Map<?, ?> one) {
                    @SuppressWarnings("unchecked") Map<String, Object> envelope = (Map<String, Object>) one;
                    resolveMessage(envelope, segments);
                }
            }
        }
    }

    private static void resolveMessage(Map<String, Object> map, List<byte[]> segments) throws IOException {
        if (map.get(MESSAGE) instanceof Long i) {
            if (i < 0 || i >= segments.size()) {
                throw new IOException("'message': " + i + " names no segment of " + segments.size());
            }
            map.put(MESSAGE, segments.get(i.intValue()));
        }
    }

    /** For tests and tools: one frame as bytes, its length first. */
    static byte[] bytes(Map<String, Object> frame) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(frame, new DataOutputStream(out), new Json.Writer());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}

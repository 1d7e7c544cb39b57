package dev.messagingnode.cluster.route;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The frames of a route connection. Every frame is {@code length(4) type(1) body}, the length counting what follows
 * it. The connecting node (the sender) speaks first:
 * <pre>
 *   HELLO   sender → receiver  magic "MNRT"(4) version(1) cluster(str) from(str) fromId(16) toId(16) session(8)
 *                              oldest(8)   the number of the oldest message it still holds (all before were acknowledged)
 *   WELCOME receiver → sender  version(1) received(8)       the session's messages it has; the sender resends the rest
 *   REFUSE  receiver → sender  reason(str), then the receiver closes
 *   DATA    sender → receiver  topic(1-byte length, UTF-8) payload(rest of the frame)
 *   ACK     receiver → sender  received(8)                  the sender may forget every message before it
 *   str := length(2) UTF-8
 * </pre>
 * <b>Versions.</b> HELLO carries the newest version the sender speaks; WELCOME the one the receiver chose (the lower
 * of the two). A receiver refuses a HELLO below its oldest; a frame type a version does not have closes the
 * connection. Version 1 is the only one so far.
 */
final class RouteFrames {

    static final int MAGIC = 0x4D4E5254; // "MNRT"
    static final byte VERSION = 1;

    static final byte HELLO = 1;
    static final byte WELCOME = 2;
    static final byte REFUSE = 3;
    static final byte DATA = 4;
    static final byte ACK = 5;

    /** The longest frame a receiver reads before the sender said HELLO, and the longest one a sender reads. */
    static final int MAX_CONTROL_FRAME_BYTES = 4096;

    private RouteFrames() {
    }

    /** A DATA frame as one array: what a route holds until it is acknowledged, and writes (again) as it is. */
    static byte[] data(String topic, Buffer payload) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        if (t.length > 255) {
            throw new IllegalArgumentException("topic longer than 255 bytes: " + topic);
        }
        int length = 1 + 1 + t.length + payload.length();
        byte[] frame = new byte[4 + length];
        frame[0] = (byte) (length >>> 24);
        frame[1] = (byte) (length >>> 16);
        frame[2] = (byte) (length >>> 8);
        frame[3] = (byte) length;
        frame[4] = DATA;
        frame[5] = (byte) t.length;
        System.arraycopy(t, 0, frame, 6, t.length);
        payload.getBytes(0, payload.length(), frame, 6 + t.length);
        return frame;
    }

    static Buffer hello(String cluster, String from, UUID fromId, UUID toId, long session, long oldest) {
        Buffer body = Buffer.buffer(96).appendInt(MAGIC).appendByte(VERSION);
        str(body, cluster);
        str(body, from);
        uuid(body, fromId);
        uuid(body, toId);
        body.appendLong(session).appendLong(oldest);
        return frame(HELLO, body);
    }

    static Buffer welcome(long received) {
        return frame(WELCOME, Buffer.buffer(9).appendByte(VERSION).appendLong(received));
    }

    static Buffer refuse(String reason) {
        Buffer body = Buffer.buffer(64);
        str(body, reason.length() > 1000 ? reason.substring(0, 1000) : reason);
        return frame(REFUSE, body);
    }

    static Buffer ack(long received) {
        return frame(ACK, Buffer.buffer(8).appendLong(received));
    }

    private static Buffer frame(byte type, Buffer body) {
        return Buffer.buffer(5 + body.length()).appendInt(1 + body.length()).appendByte(type).appendBuffer(body);
    }

    static void str(Buffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.appendShort((short) bytes.length).appendBytes(bytes);
    }

    static void uuid(Buffer b, UUID id) {
        b.appendLong(id.getMostSignificantBits()).appendLong(id.getLeastSignificantBits());
    }

    /** Reads a frame's body front to back; a body shorter than its fields throws {@link IndexOutOfBoundsException}. */
    static final class Reader {
        private final Buffer body;
        private int pos;

        Reader(Buffer body, int pos) {
            this.body = body;
            this.pos = pos;
        }

        byte int8() {
            return body.getByte(pos++);
        }

        int int32() {
            int v = body.getInt(pos);
            pos += 4;
            return v;
        }

        long int64() {
            long v = body.getLong(pos);
            pos += 8;
            return v;
        }

        String str() {
            int length = body.getUnsignedShort(pos);
            pos += 2;
            if (pos + length > body.length()) {
                throw new IndexOutOfBoundsException("a string runs past its frame");
            }
            String s = body.getString(pos, pos + length, "UTF-8");
            pos += length;
            return s;
        }

        UUID uuid() {
            return new UUID(int64(), int64());
        }

        int position() {
            return pos;
        }
    }
}

package dev.messagingnode.bridge;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Predicate;

/**
 * A client of the TCP event bus bridge written from its wire protocol alone: each frame is a 4-byte big-endian
 * length and a UTF-8 JSON object ({@code type}, {@code address}, {@code replyAddress}, {@code headers}, {@code body}).
 * It proves that a client in any language needs nothing but a socket and a JSON library.
 */
final class BridgeSocket implements AutoCloseable {

    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;

    BridgeSocket(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        out = new DataOutputStream(socket.getOutputStream());
        in = new DataInputStream(socket.getInputStream());
    }

    void write(JsonObject frame) throws IOException {
        writeRaw(frame.encode().getBytes(StandardCharsets.UTF_8));
    }

    void writeRaw(byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    /** Writes raw bytes, no length prefix (a hostile or confused client). */
    void writeBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** True when the node closed the connection: the next read finds its end (within the socket timeout). */
    boolean closedByNode() throws IOException {
        try {
            read();
            return false;
        } catch (java.io.EOFException | java.net.SocketException e) {
            return true;
        }
    }

    /** The next frame, or null when none comes within {@code millis}. */
    JsonObject readWithin(int millis) throws IOException {
        int before = socket.getSoTimeout();
        socket.setSoTimeout(millis);
        try {
            return read();
        } catch (java.net.SocketTimeoutException e) {
            return null;
        } finally {
            socket.setSoTimeout(before);
        }
    }

    Socket socket() {
        return socket;
    }

    /** Sends {@code body} to {@code address} expecting a reply at {@code replyAddress}. */
    void send(String address, String replyAddress, JsonObject body) throws IOException {
        write(new JsonObject().put("type", "send").put("address", address).put("replyAddress", replyAddress)
            .put("body", body));
    }

    void register(String address) throws IOException {
        write(new JsonObject().put("type", "register").put("address", address));
    }

    JsonObject read() throws IOException {
        int length = in.readInt();
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    }

    /** Reads frames until one matches, skipping others (pushes and replies may interleave). */
    JsonObject readUntil(Predicate<JsonObject> wanted) throws IOException {
        for (int i = 0; i < 1000; i++) {
            JsonObject frame = read();
            if (wanted.test(frame)) {
                return frame;
            }
        }
        throw new IOException("no matching frame in 1000");
    }

    /**
     * Reads frames until every one of {@code wanted} matched one (in any order: a durable exchange answers an ack
     * once it is committed, and may deliver the next task before that); the matches, in the order of the predicates.
     */
    @SafeVarargs
    final List<JsonObject> readAll(Predicate<JsonObject>... wanted) throws IOException {
        JsonObject[] found = new JsonObject[wanted.length];
        int left = wanted.length;
        for (int i = 0; i < 1000 && left > 0; i++) {
            JsonObject frame = read();
            for (int k = 0; k < wanted.length; k++) {
                if (found[k] == null && wanted[k].test(frame)) {
                    found[k] = frame;
                    left--;
                    break;
                }
            }
        }
        if (left > 0) {
            throw new IOException("not every wanted frame came in 1000");
        }
        return List.of(found);
    }

    /** Matches the reply (or error) to the frame sent with this reply address. */
    static Predicate<JsonObject> replyTo(String replyAddress) {
        return f -> replyAddress.equals(f.getString("address")) || ("err".equals(f.getString("type"))
            && (f.getString("address") == null || replyAddress.equals(f.getString("address"))));
    }

    /** The reply (or error) to the frame sent with this reply address. */
    JsonObject reply(String replyAddress) throws IOException {
        return readUntil(f -> replyAddress.equals(f.getString("address")) || ("err".equals(f.getString("type"))
            && (f.getString("address") == null || replyAddress.equals(f.getString("address")))));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

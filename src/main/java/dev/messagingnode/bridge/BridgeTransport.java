package dev.messagingnode.bridge;

import dev.messagingnode.remote.MessageJson;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.nio.charset.StandardCharsets;

/**
 * What a {@link BridgeConnection} needs of its socket, for the two bridges. They speak the same JSON frames and
 * differ in three things: the framing (a 4-byte length on TCP, one SockJS message per frame), the {@code type} of a
 * frame the node sends ({@code message} on TCP, {@code rec} on SockJS, as the stock bridges and their clients have
 * it) and the field that carries a protocol error's text ({@code message} on TCP, {@code body} on SockJS). A TCP
 * connection may also switch to the {@link BinaryFraming}, where bodies travel raw.
 *
 * <p>Frames come in with their bodies raw ({@link MessageJson#putRaw}); the JSON framings turn them into text here,
 * the binary one writes them as they are.
 */
abstract class BridgeTransport {

    /** How long a SockJS close waits after the last write, so a polling transport still fetches the error frame. */
    static final long SOCKJS_CLOSE_DELAY_MS = 500;

    private final WriteStream<Buffer> out;
    private final ReadStream<Buffer> in;

    private BridgeTransport(WriteStream<Buffer> out, ReadStream<Buffer> in) {
        this.out = out;
        this.in = in;
    }

    abstract void write(JsonObject frame);

    /** A frame already encoded in the binary framing (its length first); only once {@link #speakBinary} was called. */
    void writeEncoded(Buffer frame) {
        throw new IllegalStateException("only a TCP connection speaks the binary framing");
    }

    abstract void close();

    abstract String remote();

    /** The {@code type} of a frame that carries a body to the client. */
    abstract String messageType();

    /** The field of a protocol error frame that carries its text. */
    abstract String errorTextField();

    final boolean writeQueueFull() {
        return out.writeQueueFull();
    }

    final void drainHandler(Handler<Void> handler) {
        out.drainHandler(handler);
    }

    /** Stops reading frames (the peer's sends then wait in its own socket buffer: TCP back-pressure). */
    final void pause() {
        in.pause();
    }

    final void resume() {
        in.resume();
    }

    /** Switches to the binary framing (a TCP connection that opened with its preface). */
    void speakBinary() {
        throw new IllegalStateException("only a TCP connection speaks the binary framing");
    }

    /** True once {@link #speakBinary} was called. */
    boolean binary() {
        return false;
    }

    static BridgeTransport tcp(NetSocket socket) {
        return new BridgeTransport(socket, socket) {
            private boolean binary;

            @Override
            void speakBinary() {
                binary = true;
            }

            @Override
            boolean binary() {
                return binary;
            }

            @Override
            void writeEncoded(Buffer frame) {
                socket.write(frame);
            }

            @Override
            void write(JsonObject frame) {
                if (binary) {
                    socket.write(BinaryFraming.encode(frame));
                    return;
                }
                // Encoded as a String first: Jackson's byte builder (JsonObject.toBuffer) was three times slower
                // on 1 MiB chunk frames (JFR: its segment list dominated the node's samples).
                byte[] json = MessageJson.textify(frame).encode().getBytes(StandardCharsets.UTF_8);
                socket.write(Buffer.buffer(json.length + 4).appendInt(json.length).appendBytes(json));
            }

            @Override
            void close() {
                socket.close();
            }

            @Override
            String remote() {
                return String.valueOf(socket.remoteAddress());
            }

            @Override
            String messageType() {
                return "message";
            }

            @Override
            String errorTextField() {
                return "message";
            }
        };
    }

    /** A SockJS session: its close is put off a little after a write (see {@link #SOCKJS_CLOSE_DELAY_MS}). */
    static BridgeTransport sockJs(Vertx vertx, SockJSSocket socket) {
        return new BridgeTransport(socket, socket) {
            @Override
            void write(JsonObject frame) {
                socket.write(MessageJson.textify(frame).encode());
            }

            @Override
            void close() {
                vertx.setTimer(SOCKJS_CLOSE_DELAY_MS, id -> socket.close());
            }

            @Override
            String remote() {
                return String.valueOf(socket.remoteAddress());
            }

            @Override
            String messageType() {
                return "rec";
            }

            @Override
            String errorTextField() {
                return "body";
            }
        };
    }
}

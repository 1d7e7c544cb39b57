package dev.messagingnode.bridge;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/**
 * What a {@link BridgeConnection} needs of its socket, for the two bridges. They speak the same JSON frames and
 * differ in three things: the framing (a 4-byte length on TCP, one SockJS message per frame), the {@code type} of a
 * frame the node sends ({@code message} on TCP, {@code rec} on SockJS, as the stock bridges and their clients have
 * it) and the field that carries a protocol error's text ({@code message} on TCP, {@code body} on SockJS).
 */
interface BridgeTransport {

    long SOCKJS_CLOSE_DELAY_MS = 500;

    void write(JsonObject frame);

    boolean writeQueueFull();

    void drainHandler(Handler<Void> handler);

    /** Stops reading frames (the peer's sends then wait in its own socket buffer: TCP back-pressure). */
    void pause();

    void resume();

    void close();

    String remote();

    /** The {@code type} of a frame that carries a body to the client. */
    String messageType();

    /** The field of a protocol error frame that carries its text. */
    String errorTextField();

    static BridgeTransport tcp(NetSocket socket) {
        return new BridgeTransport() {
            @Override
            public void write(JsonObject frame) {
                Buffer json = frame.toBuffer();
                socket.write(Buffer.buffer(json.length() + 4).appendInt(json.length()).appendBuffer(json));
            }

            @Override
            public boolean writeQueueFull() {
                return socket.writeQueueFull();
            }

            @Override
            public void drainHandler(Handler<Void> handler) {
                socket.drainHandler(handler);
            }

            @Override
            public void pause() {
                socket.pause();
            }

            @Override
            public void resume() {
                socket.resume();
            }

            @Override
            public void close() {
                socket.close();
            }

            @Override
            public String remote() {
                return String.valueOf(socket.remoteAddress());
            }

            @Override
            public String messageType() {
                return "message";
            }

            @Override
            public String errorTextField() {
                return "message";
            }
        };
    }

    /**
     * A SockJS session: its close is put off a little after a write, so that a polling transport (xhr, jsonp) still
     * fetches the error frame that says why before it gets the close frame.
     */
    static BridgeTransport sockJs(io.vertx.core.Vertx vertx, SockJSSocket socket) {
        return new BridgeTransport() {
            @Override
            public void write(JsonObject frame) {
                socket.write(frame.encode());
            }

            @Override
            public boolean writeQueueFull() {
                return socket.writeQueueFull();
            }

            @Override
            public void drainHandler(Handler<Void> handler) {
                socket.drainHandler(handler);
            }

            @Override
            public void pause() {
                socket.pause();
            }

            @Override
            public void resume() {
                socket.resume();
            }

            @Override
            public void close() {
                vertx.setTimer(SOCKJS_CLOSE_DELAY_MS, id -> socket.close());
            }

            @Override
            public String remote() {
                return String.valueOf(socket.remoteAddress());
            }

            @Override
            public String messageType() {
                return "rec";
            }

            @Override
            public String errorTextField() {
                return "body";
            }
        };
    }
}

package dev.messagingnode.bridge;

import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.http.ApiAuthFilter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * The frames of the Vert.x event bus bridge protocol, as the stock TCP and SockJS bridges and their clients speak
 * them, read for the node: {@code send} to a {@code messaging.api.*} address calls that operation and answers the
 * frame's {@code replyAddress}; {@code register}/{@code unregister} of a {@code messaging.client.*} address opens or
 * closes one of the connection's own addresses; {@code publish} to {@code messaging.api.publish} is a fire-and-forget
 * publish; {@code ping} is answered {@code pong}. Anything else gets an error frame naming the problem; a frame
 * that is not a JSON object or has no known {@code type} closes the connection.
 */
final class BridgeProtocol {

    static final String API_PREFIX = "messaging.api.";

    private final BridgeApi api;
    private final ApiAuthFilter auth;

    BridgeProtocol(BridgeApi api, ApiAuthFilter auth) {
        this.api = api;
        this.auth = auth;
    }

    /** One frame's bytes, as the transport cut them. */
    void handle(BridgeConnection c, Buffer bytes, boolean checkToken) {
        if (c.isClosed()) {
            return;
        }
        Object parsed;
        try {
            parsed = Json.decodeValue(bytes);
        } catch (DecodeException e) {
            c.problem(FrameProblem.fatal("invalid_json", "the frame is not JSON: " + shorten(e.getMessage())));
            return;
        }
        if (!(parsed instanceof JsonObject frame)) {
            c.problem(FrameProblem.fatal("invalid_frame", "a frame must be a JSON object"));
            return;
        }
        handle(c, frame, checkToken);
    }

    /** One frame of the {@link BinaryFraming}, what follows its length. */
    void handleBinary(BridgeConnection c, Buffer bytes, boolean checkToken) {
        if (c.isClosed()) {
            return;
        }
        JsonObject frame;
        try {
            frame = BinaryFraming.decode(bytes);
        } catch (BinaryFraming.BadFrame e) {
            c.problem(FrameProblem.fatal("invalid_frame", shorten(e.getMessage())));
            return;
        }
        handle(c, frame, checkToken);
    }

    private void handle(BridgeConnection c, JsonObject frame, boolean checkToken) {
        c.received();
        if (!(frame.getValue("type") instanceof String type)) {
            c.problem(FrameProblem.fatal("missing_type", "the frame has no 'type'; one of send, publish, register,"
                + " unregister, ping"));
            return;
        }
        switch (type) {
            case "ping" -> c.pong();
            case "send", "publish", "register", "unregister" -> addressed(c, type, frame, checkToken);
            default -> c.problem(FrameProblem.fatal("unknown_type", "'" + shorten(type) + "' is not a frame type;"
                + " one of send, publish, register, unregister, ping"));
        }
    }

    private void addressed(BridgeConnection c, String type, JsonObject frame, boolean checkToken) {
        String replyAddress = frame.getValue("replyAddress") instanceof String r ? r : null;
        if (!(frame.getValue("address") instanceof String address) || address.isEmpty()) {
            c.problem(FrameProblem.refused("missing_address", "a " + type + " frame needs an 'address'"));
            return;
        }
        if (checkToken && !auth.acceptsAuthorization(authorization(frame))) {
            c.replyFailure(replyAddress, address, new MessagingException(Failure.UNAUTHORIZED, "blocked: this node"
                + " requires \"headers\": {\"authorization\": \"Bearer <token>\"} on every frame"));
            return;
        }
        try {
            switch (type) {
                case "register" -> c.register(address);
                case "unregister" -> c.unregister(address);
                case "publish" -> publish(c, address, frame);
                default -> send(c, address, replyAddress, frame);
            }
        } catch (MessagingException e) {
            c.replyFailure(replyAddress, address, e);
        }
    }

    private void send(BridgeConnection c, String address, String replyAddress, JsonObject frame) {
        if (!address.startsWith(API_PREFIX)) {
            throw new MessagingException(Failure.INVALID, "access_denied: a client may send only to "
                + API_PREFIX + "* (see README's bridge table)");
        }
        String operation = address.substring(API_PREFIX.length());
        JsonObject body = body(frame);
        c.startOperation();
        api.call(operation, c, body).onComplete(ar -> c.execute(() -> {
            c.endOperation();
            if (ar.succeeded()) {
                if (replyAddress != null) {
                    c.reply(replyAddress, ar.result());
                }
            } else {
                c.replyFailure(replyAddress, address, BridgeApi.failure(ar.cause()));
            }
        }));
    }

    /** {@code publish} to {@code messaging.api.publish}: fire and forget; only a refusal comes back. */
    private void publish(BridgeConnection c, String address, JsonObject frame) {
        if (!address.equals(API_PREFIX + "publish")) {
            throw new MessagingException(Failure.INVALID, "access_denied: a publish frame goes to "
                + API_PREFIX + "publish (fire and forget); everything else is a send");
        }
        api.publishAndForget(body(frame)).onFailure(t -> c.execute(() ->
            c.replyFailure(null, address, BridgeApi.failure(t))));
    }

    private static JsonObject body(JsonObject frame) {
        if (!(frame.getValue("body") instanceof JsonObject body)) {
            throw new MessagingException(Failure.INVALID, "the frame's 'body' must be a JSON object");
        }
        return body;
    }

    private static Object authorization(JsonObject frame) {
        return frame.getValue("headers") instanceof JsonObject headers ? headers.getValue("authorization") : null;
    }

    private static String shorten(String text) {
        String s = String.valueOf(text);
        int newline = s.indexOf('\n');
        s = newline > 0 ? s.substring(0, newline) : s;
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}

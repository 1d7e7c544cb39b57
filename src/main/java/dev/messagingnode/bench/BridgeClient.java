package dev.messagingnode.bench;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.HashMap;
import java.util.Map;

/**
 * One connection to a node's TCP event bus bridge, speaking its wire protocol (4-byte length, JSON frame). All of
 * its calls and handlers run on the context that connected it, so it needs no locks.
 */
final class BridgeClient {

    private final NetSocket socket;
    private final Map<String, Promise<JsonObject>> pending = new HashMap<>();
    private final Map<String, Handler<JsonObject>> handlers = new HashMap<>();
    private final java.util.ArrayDeque<Promise<Void>> pongs = new java.util.ArrayDeque<>();
    private long nextReply;

    private BridgeClient(NetSocket socket) {
        this.socket = socket;
        RecordParser parser = RecordParser.newFixed(4);
        int[] size = {-1};
        parser.handler(buffer -> {
            if (size[0] < 0) {
                size[0] = buffer.getInt(0);
                parser.fixedSizeMode(size[0]);
            } else {
                size[0] = -1;
                parser.fixedSizeMode(4);
                onFrame(new JsonObject(buffer));
            }
        });
        socket.handler(parser);
    }

    static Future<BridgeClient> connect(Vertx vertx, String host, int port) {
        return vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)).connect(port, host)
            .map(BridgeClient::new);
    }

    /** Sends to a messaging.api.* address; the future carries the reply body or a ReplyException with the code. */
    Future<JsonObject> request(String address, JsonObject body) {
        String replyAddress = "r" + nextReply++;
        Promise<JsonObject> reply = Promise.promise();
        pending.put(replyAddress, reply);
        write(new JsonObject().put("type", "send").put("address", address).put("replyAddress", replyAddress)
            .put("body", body));
        return reply.future();
    }

    /** A send with no reply address: the node answers only a refusal (as an err frame with no address). */
    void send(String address, JsonObject body) {
        write(new JsonObject().put("type", "send").put("address", address).put("body", body));
    }

    /** The stock protocol's fire-and-forget publish frame: nothing comes back but a refusal of bad input. */
    void publish(JsonObject body) {
        write(new JsonObject().put("type", "publish").put("address", "messaging.api.publish").put("body", body));
    }

    /** A ping; completes at its pong (pongs come in order). */
    Future<Void> ping() {
        Promise<Void> pong = Promise.promise();
        pongs.add(pong);
        write(new JsonObject().put("type", "ping"));
        return pong.future();
    }

    /** Receives what the node pushes to a messaging.client.* address. */
    void register(String address, Handler<JsonObject> handler) {
        handlers.put(address, handler);
        write(new JsonObject().put("type", "register").put("address", address));
    }

    boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    Future<Void> close() {
        return socket.close();
    }

    private void write(JsonObject frame) {
        Buffer json = frame.toBuffer();
        socket.write(Buffer.buffer(json.length() + 4).appendInt(json.length()).appendBuffer(json));
    }

    private void onFrame(JsonObject frame) {
        if ("pong".equals(frame.getString("type"))) {
            Promise<Void> pong = pongs.poll();
            if (pong != null) {
                pong.complete();
            }
            return;
        }
        String address = frame.getString("address");
        if ("err".equals(frame.getString("type"))) {
            Promise<JsonObject> p = address == null ? null : pending.remove(address);
            ReplyException e = new ReplyException(ReplyFailure.RECIPIENT_FAILURE,
                frame.getInteger("failureCode", -1), frame.getString("message"));
            if (p != null) {
                p.fail(e);
            }
            return;
        }
        Promise<JsonObject> p = pending.remove(address);
        if (p != null) {
            p.complete(frame.getJsonObject("body"));
            return;
        }
        Handler<JsonObject> h = handlers.get(address);
        if (h != null) {
            h.handle(frame.getJsonObject("body"));
        }
    }
}

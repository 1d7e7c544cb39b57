package dev.messagingnode.cluster;

import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.HostedExchange;
import dev.messagingnode.exchange.WireCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node's whole list of hosted exchanges, as it tells the others. A later announcement ({@code seq}) replaces an
 * earlier one, so a lost or reordered one does no harm, and joiners and healed partitions converge by announcing
 * again. Encoded as JSON: small, rare, readable in a capture, and tolerant of fields a newer release adds.
 * {@code wireFormat} is the newest {@link WireCodec} format the node reads (absent from a node of the release
 * before it existed: 1), so each peer writes it frames it can read; {@code transportFormat}, likewise, the newest
 * {@link ClusterTransport#TRANSPORT_FORMAT} it reads (absent: 1, one cluster message per transport message).
 */
public record Announcement(String node, long seq, List<HostedExchange> hosted, int wireFormat, int transportFormat) {

    public Announcement(String node, long seq, List<HostedExchange> hosted) {
        this(node, seq, hosted, WireCodec.FORMAT, ClusterTransport.TRANSPORT_FORMAT);
    }

    public Buffer encode() {
        JsonArray list = new JsonArray();
        for (HostedExchange h : hosted) {
            list.add(new JsonObject()
                .put("name", h.definition().name())
                .put("pattern", h.definition().pattern())
                .put("options", new JsonObject(new TreeMap<>(h.definition().options())))
                .put("createdAt", h.createdAt()));
        }
        return new JsonObject().put("node", node).put("seq", seq).put("hosted", list).put("wireFormat", wireFormat)
            .put("transportFormat", transportFormat).toBuffer();
    }

    public static Announcement decode(Buffer buffer) {
        JsonObject json = new JsonObject(buffer);
        List<HostedExchange> hosted = new ArrayList<>();
        for (Object o : json.getJsonArray("hosted")) {
            JsonObject h = (JsonObject) o;
            Map<String, String> options = new TreeMap<>();
            h.getJsonObject("options").forEach(e -> options.put(e.getKey(), String.valueOf(e.getValue())));
            hosted.add(new HostedExchange(new ExchangeDefinition(h.getString("name"), h.getString("pattern"), options),
                h.getLong("createdAt")));
        }
        return new Announcement(json.getString("node"), json.getLong("seq"), List.copyOf(hosted),
            Math.min(json.getInteger("wireFormat", WireCodec.OLDEST_FORMAT), WireCodec.FORMAT),
            Math.min(json.getInteger("transportFormat", 1), ClusterTransport.TRANSPORT_FORMAT));
    }
}

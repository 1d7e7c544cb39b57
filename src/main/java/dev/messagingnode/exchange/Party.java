package dev.messagingnode.exchange;

import io.vertx.core.json.JsonObject;

/** One registered party as the exchange sees it. */
public record Party(String id, String address, String role, JsonObject params) {

    public static Party of(RegisterFrame f) {
        return new Party(f.partyId(), f.address(), f.role(), f.params() == null ? new JsonObject() : f.params());
    }
}

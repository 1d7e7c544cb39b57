package dev.messagingnode.bridge;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bounds of the remote surfaces, and what happens at each: a refusal that names the bound. */
@QuarkusTest
@TestProfile(BridgeBoundsTest.SmallBounds.class)
class BridgeBoundsTest {

    public static class SmallBounds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("messaging.bridge.max-per-connection", "2", "messaging.http.max-parties", "3",
                "messaging.exchanges.bounds-events.pattern", "pubsub",
                "messaging.exchanges.bounds-jobs.pattern", "tasks");
        }
    }

    @Inject
    EventBusBridges bridges;

    @Test
    void aConnectionHoldsAtMostMaxPerConnectionSubscriptionsAndParties() throws Exception {
        try (BridgeSocket s = new BridgeSocket(bridges.tcpPort())) {
            s.register("messaging.client.b");
            for (int i = 0; i < 2; i++) {
                s.send("messaging.api.subscribe", "r" + i, new JsonObject().put("exchange", "bounds-events")
                    .put("pattern", "#").put("replyTo", "messaging.client.b"));
                assertThat(s.reply("r" + i).getString("type")).isEqualTo("message");
            }
            s.send("messaging.api.subscribe", "r3", new JsonObject().put("exchange", "bounds-events")
                .put("pattern", "#").put("replyTo", "messaging.client.b"));
            JsonObject refused = s.reply("r3");
            assertThat(refused.getInteger("failureCode")).isEqualTo(4003);
            assertThat(refused.getString("message")).contains("max-per-connection");
        }
        // The connection's subscriptions went with it: a new connection starts from zero.
        try (BridgeSocket s = new BridgeSocket(bridges.tcpPort())) {
            s.register("messaging.client.c");
            s.send("messaging.api.subscribe", "r1", new JsonObject().put("exchange", "bounds-events")
                .put("pattern", "#").put("replyTo", "messaging.client.c"));
            assertThat(s.reply("r1").getString("type")).isEqualTo("message");
        }
    }

    @Test
    void theNodeHoldsAtMostMaxPartiesRemoteParties() {
        String[] ids = new String[3];
        for (int i = 0; i < 3; i++) {
            ids[i] = given().post("/exchanges/bounds-jobs/workers").then().statusCode(201).extract().path("party");
        }
        given().post("/exchanges/bounds-jobs/workers").then().statusCode(429)
            .body("detail", containsString("messaging.http.max-parties"));
        given().delete("/parties/" + ids[0]).then().statusCode(204);
        String again = given().post("/exchanges/bounds-jobs/workers").then().statusCode(201).extract().path("party");
        given().delete("/parties/" + again).then().statusCode(204);
        given().delete("/parties/" + ids[1]).then().statusCode(204);
        given().delete("/parties/" + ids[2]).then().statusCode(204);
    }
}

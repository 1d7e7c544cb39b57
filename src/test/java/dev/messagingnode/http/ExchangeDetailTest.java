package dev.messagingnode.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the management page reads: {@code GET /exchanges?detail=true} (parties one by one, activity counts, the
 * pattern's state, the last refusals with their reason) and {@code GET /members}; and the page itself at {@code /ui/}.
 */
@QuarkusTest
class ExchangeDetailTest {

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JsonObject detail(String name) {
        return new JsonObject(given().queryParam("detail", true).get("/exchanges/" + name).then().statusCode(200)
            .extract().asString());
    }

    @Test
    void aTasksExchangeShowsItsTasksByStateAndPriorityItsWorkersAndItsCounts() {
        String name = unique("detail-jobs");
        given().body("{\"pattern\":\"tasks\",\"options\":{\"ack-timeout\":\"20s\",\"durable\":false}}")
            .put("/exchanges/" + name).then().statusCode(201);
        given().queryParam("priority", 7).body("seven").post("/exchanges/" + name + "/tasks").then().statusCode(202);
        given().queryParam("priority", 3).body("three").post("/exchanges/" + name + "/tasks").then().statusCode(202);
        JsonObject before = detail(name);
        JsonObject state = before.getJsonArray("nodes").getJsonObject(0).getJsonObject("state");
        assertThat(state.getJsonArray("queuedByPriority")).containsExactly(0, 0, 0, 1, 0, 0, 0, 1, 0, 0);
        assertThat(state.getInteger("queued")).isEqualTo(2);
        assertThat(before.getJsonObject("counts").getLong("published")).isEqualTo(2);
        assertThat(before.getJsonArray("partyList")).isEmpty();

        String worker = given().queryParam("prefetch", 1).post("/exchanges/" + name + "/workers").then().statusCode(201)
            .extract().path("party");
        Response task = given().queryParam("wait", "5s").get("/parties/" + worker + "/next");
        task.then().statusCode(200).body("message", equalTo("seven"));
        JsonObject held = detail(name);
        JsonArray parties = held.getJsonArray("partyList");
        assertThat(parties).hasSize(1);
        JsonObject party = parties.getJsonObject(0);
        assertThat(party.getString("kind")).isEqualTo("worker");
        assertThat(party.getString("node")).isEqualTo(held.getJsonArray("hosts").getString(0));
        assertThat(party.getInteger("held")).isEqualTo(1);
        assertThat(party.getInteger("prefetch")).isEqualTo(1);
        assertThat(party.getLong("leaseMs")).isBetween(1L, 20_000L);
        JsonObject heldState = held.getJsonArray("nodes").getJsonObject(0).getJsonObject("state");
        assertThat(heldState.getInteger("inFlight")).isEqualTo(1);
        assertThat(heldState.getJsonArray("queuedByPriority").getInteger(7)).isZero();
        assertThat(held.getJsonObject("counts").getLong("delivered")).isEqualTo(1);

        given().post("/parties/" + worker + "/items/" + task.path("item") + "/ack").then().statusCode(204);
        assertThat(detail(name).getJsonObject("counts").getLong("acked")).isEqualTo(1);
        given().delete("/parties/" + worker).then().statusCode(204);
        given().delete("/exchanges/" + name).then().statusCode(204);
    }

    @Test
    void refusalsAreListedWithTheirReasonAndDetailNewestLastAndOnlyTheLastTwenty() {
        String name = unique("detail-rpc");
        given().body("{\"pattern\":\"request-response\"}").put("/exchanges/" + name).then().statusCode(201);
        for (int i = 0; i < 25; i++) {
            given().body("anyone?").post("/exchanges/" + name + "/requests").then().statusCode(503);
        }
        JsonObject d = detail(name);
        assertThat(d.getJsonObject("counts").getLong("refused")).isEqualTo(25);
        JsonArray refusals = d.getJsonArray("refusals");
        assertThat(refusals).hasSize(20);
        JsonObject last = refusals.getJsonObject(19);
        assertThat(last.getString("reason")).isEqualTo("NO_SERVICE");
        assertThat(last.getInteger("code")).isEqualTo(4002);
        assertThat(last.getString("detail")).isEqualTo("no service is registered on exchange '" + name + "'");
        assertThat(last.getString("node")).isEqualTo(d.getJsonArray("hosts").getString(0));
        assertThat(last.getLong("at")).isGreaterThanOrEqualTo(refusals.getJsonObject(0).getLong("at"));
        assertThat(d.getJsonArray("nodes").getJsonObject(0).getJsonObject("series")
            .getLong("messaging.requests.refused{reason=NO_SERVICE}")).isEqualTo(25);
        given().delete("/exchanges/" + name).then().statusCode(204);
    }

    @Test
    void theListGivesEveryExchangesCountsAndDetailMustBeABoolean() {
        String name = unique("detail-events");
        given().body("{\"pattern\":\"pubsub\"}").put("/exchanges/" + name).then().statusCode(201);
        given().body("x").post("/exchanges/" + name + "/publish/a.b").then().statusCode(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            JsonArray list = new JsonArray(given().queryParam("detail", "true").get("/exchanges").asString());
            return list.stream().map(JsonObject.class::cast).filter(x -> x.getString("name").equals(name))
                .anyMatch(x -> x.getJsonObject("counts").getLong("published") == 1);
        });
        // Without detail the list stays as it was: no counts.
        JsonArray plain = new JsonArray(given().get("/exchanges").asString());
        assertThat(plain.stream().map(JsonObject.class::cast).filter(x -> x.getString("name").equals(name))
            .findFirst().orElseThrow().containsKey("counts")).isFalse();
        given().queryParam("detail", "yes").get("/exchanges").then().statusCode(400)
            .contentType("application/problem+json").body("detail", equalTo("'detail' must be true or false, not 'yes'"));
        given().delete("/exchanges/" + name).then().statusCode(204);
    }

    @Test
    void membersSayWhereSinceWhenAndWhetherReady() {
        JsonObject members = new JsonObject(given().get("/members").then().statusCode(200).extract().asString());
        JsonObject self = members.getJsonArray("members").getJsonObject(0);
        assertThat(self.getBoolean("self")).isTrue();
        assertThat(self.getBoolean("ready")).isTrue();
        assertThat(self.getLong("since")).isBetween(System.currentTimeMillis() - 3_600_000, System.currentTimeMillis());
        assertThat(self.containsKey("address")).isTrue(); // null for a node alone: no cluster transport
    }

    @Test
    void thePageIsServedWithAPolicyThatLetsItTalkOnlyToThisNode() {
        given().redirects().follow(false).get("/ui").then().statusCode(302).header("Location", "/ui/");
        given().get("/ui/").then().statusCode(200).contentType(containsString("text/html"))
            .header("Content-Security-Policy", containsString("connect-src 'self'"))
            .header("Content-Security-Policy", containsString("script-src 'self'"))
            .header("X-Content-Type-Options", "nosniff").body(containsString("<script src=\"app.js\""));
        given().get("/ui/app.js").then().statusCode(200).body(containsString("textContent"));
        given().get("/ui/nothing.js").then().statusCode(404);
    }
}

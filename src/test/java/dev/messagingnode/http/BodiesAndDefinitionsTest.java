package dev.messagingnode.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Bodies arrive as the bytes that were sent, whatever their content type; exchange definitions are checked where a
 * user would expect it; the number of exchanges is bounded and what a deleted exchange leaves behind is nothing.
 */
@QuarkusTest
@TestProfile(BodiesAndDefinitionsTest.FewExchanges.class)
class BodiesAndDefinitionsTest {

    public static class FewExchanges implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("messaging.max-exchanges", "40", "messaging.exchanges.bodies-logs.pattern", "sink");
        }
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void formAndMultipartBodiesArriveUnchanged() throws Exception {
        String party = given().post("/exchanges/bodies-logs/consumers").then().statusCode(201).extract().path("party");
        try {
            String multipart = "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n100% & more=yes\r\n--b0undary--\r\n";
            Map<String, String> sent = Map.of("disk 91% full&x=%zz+y", "application/x-www-form-urlencoded",
                multipart, "multipart/form-data; boundary=b0undary");
            for (Map.Entry<String, String> body : sent.entrySet()) {
                HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + RestAssured.port + "/exchanges/bodies-logs/messages"))
                    .header("Content-Type", body.getValue())
                    .POST(HttpRequest.BodyPublishers.ofString(body.getKey())).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
                JsonObject batch = new JsonObject(given().get("/parties/" + party + "/next?wait=5s").then()
                    .statusCode(200).extract().asString());
                JsonObject message = batch.getJsonArray("messages").getJsonObject(0);
                assertThat(message.getString("message")).isEqualTo(body.getKey());
                assertThat(message.getJsonObject("headers").getString("content-type")).isEqualTo(body.getValue());
                given().post("/parties/" + party + "/items/" + batch.getLong("item") + "/ack").then().statusCode(204);
            }
        } finally {
            given().delete("/parties/" + party).then().statusCode(204);
        }
    }

    @Test
    void aDeadLetterExchangeMustTakeTasks() {
        String events = unique("dlx-events");
        given().contentType("application/json").body("{\"pattern\":\"pubsub\"}").put("/exchanges/" + events)
            .then().statusCode(201);
        String jobs = unique("dlx-jobs");
        given().contentType("application/json").body(new JsonObject().put("pattern", "tasks").put("options",
                new JsonObject().put("dead-letter-exchange", events)).encode())
            .put("/exchanges/" + jobs).then().statusCode(400).contentType("application/problem+json")
            .body("detail", containsString("a pubsub exchange; it must name a tasks or sink exchange"));
        // One that does not exist yet may come later; a sink is fine.
        given().contentType("application/json").body(new JsonObject().put("pattern", "tasks").put("options",
                new JsonObject().put("dead-letter-exchange", unique("later"))).encode())
            .put("/exchanges/" + jobs).then().statusCode(201);
        given().delete("/exchanges/" + jobs).then().statusCode(204);
        given().delete("/exchanges/" + events).then().statusCode(204);
    }

    @Test
    void exchangesAreBoundedAndLeaveNoSeriesBehind() {
        int before = given().get("/q/metrics").then().statusCode(200).extract().asString().length();
        int existing = new JsonArray(given().get("/exchanges").then().statusCode(200).extract().asString()).size();
        List<String> created = new ArrayList<>();
        for (int i = existing; i < 40; i++) {
            String name = unique("many");
            given().contentType("application/json").body("{\"pattern\":\"tasks\"}").put("/exchanges/" + name)
                .then().statusCode(201);
            created.add(name);
        }
        given().contentType("application/json").body("{\"pattern\":\"tasks\"}").put("/exchanges/" + unique("one-more"))
            .then().statusCode(429).contentType("application/problem+json")
            .body("detail", containsString("messaging.max-exchanges"));
        assertThat(given().get("/q/metrics").then().extract().asString()).contains(created.get(0));
        for (String name : created) {
            given().delete("/exchanges/" + name).then().statusCode(204);
        }
        String after = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : created) {
            assertThat(after).doesNotContain(name);
        }
        assertThat(after.length()).isLessThan(before + 4096);
    }

    @Test
    void aRequestWhoseClientStoppedWaitingIsNotHandedToAnHttpService() {
        String rpc = unique("late");
        given().contentType("application/json").body("{\"pattern\":\"request-response\"}").put("/exchanges/" + rpc)
            .then().statusCode(201);
        String party = given().post("/exchanges/" + rpc + "/services").then().statusCode(201).extract().path("party");
        try {
            given().body("x").post("/exchanges/" + rpc + "/requests?timeout=300ms").then().statusCode(504);
            // The service polls only now: the request is gone (its client was told TIMED_OUT), nothing to answer.
            given().get("/parties/" + party + "/next").then().statusCode(204);
            given().get("/parties/" + party).then().statusCode(200).body("held", org.hamcrest.Matchers.equalTo(0));
        } finally {
            given().delete("/parties/" + party).then().statusCode(204);
            given().delete("/exchanges/" + rpc).then().statusCode(204);
        }
    }

    @Test
    void aRoutingKeyWithAnEmptyWordIsRefused() {
        given().body("x").post("/exchanges/test-ready/publish/a..b").then().statusCode(400)
            .body("detail", containsString("empty word"));
    }
}

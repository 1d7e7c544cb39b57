package dev.messagingnode.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Throws malformed JSON, random bytes, huge headers, bad names, bad keys and bad parameters at every route, then
 * checks that the node still serves, answered every bad call with a 4xx (never 500), and lost nothing it had accepted.
 * Seeded, so a failure replays.
 */
@QuarkusTest
class HttpFuzzTest {

    private static final List<String> ROUTES = List.of(
        "PUT /exchanges/{name}", "GET /exchanges/{name}", "DELETE /exchanges/{name}",
        "POST /exchanges/{name}/requests", "POST /exchanges/{name}/publish/{key}", "GET /exchanges/{name}/subscribe",
        "POST /exchanges/{name}/messages", "POST /exchanges/{name}/tasks", "POST /exchanges/{name}/services",
        "POST /exchanges/{name}/workers", "POST /exchanges/{name}/consumers", "GET /parties/{id}/next",
        "POST /parties/{id}/items/{item}/{action}", "DELETE /parties/{id}", "POST /dialogues/{id}/answer");

    private static final List<String> BAD_NAMES = List.of("", "a%20b", "..", "x".repeat(300), "%00", "%2F..%2Fetc",
        "naïve", "a*b", "#", "fuzz-tasks%20", "\u0000");
    private static final List<String> BAD_KEYS = List.of("a.*", "%23", "a..b", "a%20b", "x".repeat(300), ".", "*.a");
    private static final Set<Integer> ALLOWED = Set.of(200, 201, 202, 204, 400, 404, 405, 409, 413, 414, 429, 431,
        503, 504);

    @Test
    void garbageAtEveryRouteLeavesTheNodeHealthyAndLosesNothing() {
        given().body("{\"pattern\":\"tasks\"}").put("/exchanges/fuzz-tasks").then().statusCode(201);
        given().body("{\"pattern\":\"sink\"}").put("/exchanges/fuzz-sink").then().statusCode(201);
        for (int i = 0; i < 20; i++) {
            given().body("task-" + i).post("/exchanges/fuzz-tasks/tasks").then().statusCode(202);
            given().body("message-" + i).post("/exchanges/fuzz-sink/messages").then().statusCode(202);
        }

        Random random = new Random(20261124);
        for (int i = 0; i < 400; i++) {
            String route = ROUTES.get(random.nextInt(ROUTES.size()));
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1)
                .replace("{name}", random.nextInt(4) == 0 && !method.equals("DELETE") ? "fuzz-tasks"
                    : pick(random, BAD_NAMES))
                .replace("{key}", pick(random, BAD_KEYS))
                .replace("{id}", random.nextBoolean() ? "nope" : pick(random, BAD_NAMES))
                .replace("{item}", random.nextBoolean() ? "-1" : "abc")
                .replace("{action}", random.nextBoolean() ? "ack" : "explode");
            RequestSpecification request = given().urlEncodingEnabled(false).body(body(random));
            switch (random.nextInt(6)) {
                case 0 -> request.header("Messaging-Header-big", "h".repeat(30_000)).queryParam("lease", "1s");
                case 1 -> request.header("Messaging-Tag", "t".repeat(random.nextInt(5000))).queryParam("lease", "1s");
                case 2 -> request.queryParam("priority", pick(random, List.of("-1", "99", "x", "")))
                    .queryParam("timeout", pick(random, List.of("-5s", "forever", "PT-1S", "1h1m")))
                    .queryParam("lease", "1s");
                case 3 -> request.queryParam("key", pick(random, BAD_KEYS)).queryParam("wait", "lots")
                    .queryParam("lease", "0s").queryParam("prefetch", "100000");
                default -> request.queryParam("lease", "1s"); // a worker the fuzz opens gives its tasks back soon
            }
            Response response;
            try {
                response = request.request(method, path);
            } catch (Exception e) {
                continue; // the client itself refused the URL (e.g. a raw NUL): nothing reached the node
            }
            assertThat(response.statusCode()).as(method + " " + path + " -> " + response.asString())
                .isIn(ALLOWED);
            if (response.statusCode() >= 400 && response.statusCode() != 431 && response.statusCode() != 414) {
                assertThat(response.contentType()).as(method + " " + path).startsWith("application/problem+json");
            }
        }

        given().get("/q/health/ready").then().statusCode(200);
        given().get("/exchanges/fuzz-tasks").then().statusCode(200)
            .body("depth", org.hamcrest.Matchers.greaterThanOrEqualTo(20));
        given().get("/exchanges/fuzz-sink").then().statusCode(200).body("depth", org.hamcrest.Matchers.equalTo(20));
        // Every accepted task is still there and can be worked.
        String worker = given().queryParam("prefetch", 100).post("/exchanges/fuzz-tasks/workers").then().statusCode(201)
            .extract().path("party");
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200 && seen.size() < 20; i++) {
            Response item = given().queryParam("wait", "1s").get("/parties/" + worker + "/next");
            if (item.statusCode() == 200) {
                String message = item.path("message");
                if (message.startsWith("task-")) {
                    seen.add(message);
                }
                given().post("/parties/" + worker + "/items/" + item.path("item") + "/ack").then().statusCode(204);
            }
        }
        assertThat(seen).hasSize(20);
    }

    private static String pick(Random random, List<String> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static byte[] body(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> "{\"pattern\":".getBytes();
            case 1 -> "{\"pattern\":\"tasks\",\"options\":{\"max-queued\":-1}}".getBytes();
            case 2 -> {
                byte[] b = new byte[random.nextInt(2048)];
                random.nextBytes(b);
                yield b;
            }
            case 3 -> "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[".repeat(100).getBytes();
            default -> new byte[0];
        };
    }
}

package dev.messagingnode.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.Registration;
import dev.messagingnode.rpc.ChunkedResponse;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every route of the HTTP API and every error status, against a node started by Quarkus. */
@QuarkusTest
class HttpApiTest {

    @Inject
    MessagingClient client;

    private final List<Registration> registrations = new ArrayList<>();

    @AfterEach
    void unregister() {
        registrations.forEach(Registration::unregister);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void create(String name, String json) {
        given().body(json).put("/exchanges/" + name).then().statusCode(201);
    }

    private static void problem(Response r, int status, String detailPart) {
        r.then().statusCode(status).contentType("application/problem+json").body("status", equalTo(status))
            .body("detail", containsString(detailPart)).body("type", notNullValue());
    }

    // ---- exchanges ----------------------------------------------------------------------------------------

    @Test
    void exchangesAreCreatedIdempotentlyListedDescribedAndDeleted() {
        String name = unique("x");
        given().body("{\"pattern\":\"tasks\",\"options\":{\"max-queued\":100}}").put("/exchanges/" + name)
            .then().statusCode(201).header("Location", "/exchanges/" + name).body("pattern", equalTo("tasks"));
        given().body("{\"pattern\":\"tasks\",\"options\":{\"max-queued\":\"100\"}}").put("/exchanges/" + name)
            .then().statusCode(200);
        problem(given().body("{\"pattern\":\"sink\"}").put("/exchanges/" + name), 409, "already exists as tasks");
        given().post("/exchanges/" + name + "/tasks").then().statusCode(202);
        given().get("/exchanges").then().statusCode(200).body("name", hasItem(name));
        given().get("/exchanges/" + name).then().statusCode(200).body("pattern", equalTo("tasks"))
            .body("options.max-queued", equalTo("100")).body("depth", equalTo(1)).body("hosts.size()", equalTo(1))
            .body("nodes[0].parties", equalTo(0));
        given().delete("/exchanges/" + name).then().statusCode(204);
        problem(given().get("/exchanges/" + name), 404, "no exchange named '" + name + "'");
        problem(given().delete("/exchanges/" + name), 404, name);
    }

    @Test
    void badDefinitionsAreRefusedPrecisely() {
        problem(given().body("{\"pattern\":\"nope\"}").put("/exchanges/" + unique("x")), 400, "nope");
        problem(given().body("{\"options\":{}}").put("/exchanges/" + unique("x")), 400, "'pattern' is required");
        problem(given().body("{\"pattern\":\"tasks\",\"options\":{\"no-such-option\":1}}")
            .put("/exchanges/" + unique("x")), 400, "no-such-option");
        problem(given().body("{\"pattern\":\"tasks\",\"colour\":1}").put("/exchanges/" + unique("x")), 400,
            "unknown field 'colour'");
        problem(given().body("{\"pattern\":\"tasks\",\"options\":[1]}").put("/exchanges/" + unique("x")), 400,
            "'options' must be an object");
        problem(given().body("{bad json").put("/exchanges/" + unique("x")), 400, "not valid JSON");
        problem(given().body("[1,2]").put("/exchanges/" + unique("x")), 400, "must be a JSON object");
        problem(given().body("").put("/exchanges/" + unique("x")), 400, "JSON object body is required");
        problem(given().body("{\"pattern\":\"tasks\"}").put("/exchanges/bad%20name"), 400, "may contain only");
        problem(given().get("/exchanges/x/no-such-route"), 404, "no route");
    }

    // ---- request-response ----------------------------------------------------------------------------------

    @Test
    void aRequestGetsItsReplyWithTheTagAndHeaders() {
        String name = unique("rpc");
        create(name, "{\"pattern\":\"request-response\"}");
        Registration r = client.register(name, req -> req.reply(Buffer.buffer("echo:" + req.message() + ":"
            + req.envelope().headers().get("trace"))));
        registrations.add(r);
        await().until(() -> r.state() == Registration.State.ATTACHED);
        given().header("Messaging-Tag", "my-tag").header("Messaging-Header-trace", "t-1").body("ping")
            .post("/exchanges/" + name + "/requests")
            .then().statusCode(200).header("Messaging-Tag", "my-tag").body(equalTo("echo:ping:t-1"));
    }

    @Test
    void requestRefusalsAndFailuresHaveTheirStatuses() {
        String name = unique("rpc");
        create(name, "{\"pattern\":\"request-response\",\"options\":{\"max-message-bytes\":100,"
            + "\"max-in-flight\":1}}");
        problem(given().body("x").post("/exchanges/" + name + "/requests"), 503, "no service");
        problem(given().body("x").post("/exchanges/" + unique("none") + "/requests"), 404, "no exchange named");
        List<dev.messagingnode.rpc.ServiceRequest> held = new CopyOnWriteArrayList<>();
        Registration r = client.register(name, req -> {
            switch (req.message().toString()) {
                case "fail" -> req.fail("it broke");
                case "hold" -> held.add(req);
                default -> req.reply(Buffer.buffer("ok"));
            }
        });
        registrations.add(r);
        await().until(() -> r.state() == Registration.State.ATTACHED);
        problem(given().body("x".repeat(101)).post("/exchanges/" + name + "/requests"), 413, "max-message-bytes");
        problem(given().body("fail").post("/exchanges/" + name + "/requests"), 502, "it broke");
        problem(given().body("hold").queryParam("timeout", "300ms").post("/exchanges/" + name + "/requests"), 504,
            "");
        held.clear();
        // One request held by the service fills max-in-flight=1: the next is refused with 429.
        Thread holder = new Thread(() -> given().body("hold").queryParam("timeout", "3s")
            .post("/exchanges/" + name + "/requests"));
        holder.start();
        await().until(() -> !held.isEmpty());
        problem(given().body("x").post("/exchanges/" + name + "/requests"), 429, "max-in-flight=1");
        held.get(0).reply(Buffer.buffer("done"));
        problem(given().body("x").queryParam("timeout", "soon").post("/exchanges/" + name + "/requests"), 400,
            "parameter 'timeout'");
    }

    @Test
    void aChunkedResponseStreamsAsChunkedTransferAndAsSse() {
        String name = unique("chunks");
        create(name, "{\"pattern\":\"request-response\"}");
        Registration r = client.register(name, req -> {
            ChunkedResponse out = req.stream();
            writeChunks(out, 0, Integer.parseInt(req.message().toString()));
        });
        registrations.add(r);
        await().until(() -> r.state() == Registration.State.ATTACHED);
        given().body("50").post("/exchanges/" + name + "/requests").then().statusCode(200)
            .header("Transfer-Encoding", "chunked").header("Messaging-Reply", "stream")
            .body(equalTo(Stream.iterate(0, i -> i + 1).limit(50).map(i -> "chunk-" + i + ";")
                .reduce("", String::concat)));
        String sse = given().header("Accept", "text/event-stream").body("3").post("/exchanges/" + name + "/requests")
            .then().statusCode(200).contentType("text/event-stream").extract().asString();
        assertThat(sse).contains("event: chunk", "\"message\":\"chunk-0;\"", "\"message\":\"chunk-2;\"",
            "event: end", "\"chunks\":3");
    }

    /** Writes chunk i..n-1, waiting for the drain handler whenever the credit window is full. */
    private static void writeChunks(ChunkedResponse out, int i, int n) {
        while (i < n && !out.writeQueueFull()) {
            out.write(Buffer.buffer("chunk-" + i++ + ";"));
        }
        if (i == n) {
            out.end();
        } else {
            int next = i;
            out.drainHandler(v -> writeChunks(out, next, n));
        }
    }

    @Test
    void aDialogueGoesOnThroughItsLinkUntilTheServiceEndsIt() {
        String name = unique("dialogue");
        create(name, "{\"pattern\":\"request-response\"}");
        Registration r = client.register(name, req -> req.ask(Buffer.buffer("name?"))
            .onSuccess(a -> a.ask(Buffer.buffer("age?")).onSuccess(b -> b.reply(Buffer.buffer(a.message() + "/"
                + b.message())))));
        registrations.add(r);
        await().until(() -> r.state() == Registration.State.ATTACHED);
        Response q1 = given().header("Messaging-Tag", "d1").body("hi").post("/exchanges/" + name + "/requests");
        q1.then().statusCode(200).header("Messaging-Reply", "question").body(equalTo("name?"));
        String location = q1.header("Location");
        Response q2 = given().body("Ann").post(location + "/answer");
        q2.then().statusCode(200).header("Messaging-Reply", "question").header("Messaging-Tag", "d1")
            .body(equalTo("age?"));
        given().body("42").post(q2.header("Location") + "/answer").then().statusCode(200)
            .header("Messaging-Reply", "message").body(equalTo("Ann/42"));
        problem(given().body("again").post(location + "/answer"), 404, "no open dialogue");
    }

    // ---- publish-subscribe ---------------------------------------------------------------------------------

    @Test
    void sseSubscribersGetWhatMatchesTheirPattern() throws Exception {
        String name = unique("events");
        create(name, "{\"pattern\":\"pubsub\"}");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                + RestAssured.port + "/exchanges/" + name + "/subscribe?key=orders.*&tag=sub-1")).build(),
            HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("content-type")).hasValue("text/event-stream");
        Iterator<String> lines = stream.body().iterator();
        await().until(() -> given().get("/exchanges/" + name).then().extract().path("parties").equals(1));
        given().body("{\"n\":1}").post("/exchanges/" + name + "/publish/orders.eu").then().statusCode(200)
            .body("matched", equalTo(1));
        given().body("other").post("/exchanges/" + name + "/publish/stock.eu").then().body("matched", equalTo(0));
        given().body("second").post("/exchanges/" + name + "/publish/orders.us").then().body("matched", equalTo(1));
        // Fire and forget: answered at once, no count; the subscriber gets it all the same.
        given().body("third").post("/exchanges/" + name + "/publish/orders.eu?confirm=false").then().statusCode(202);
        List<JsonObject> messages = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (messages.size() < 3 && System.nanoTime() < deadline && lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data: ") && line.contains("\"key\"")) {
                messages.add(new JsonObject(line.substring(6)));
            }
        }
        stream.body().close();
        assertThat(messages).extracting(m -> m.getString("key")).containsExactly("orders.eu", "orders.us", "orders.eu");
        assertThat(messages.get(2).getString("message")).isEqualTo("third");
        assertThat(messages.get(0).getString("message")).isEqualTo("{\"n\":1}");
        assertThat(messages.get(0).getString("tag")).isEqualTo("sub-1");
        // The subscription ends with the connection.
        await().atMost(Duration.ofSeconds(5)).until(() -> given().get("/exchanges/" + name).then().extract()
            .path("parties").equals(0));
    }

    @Test
    void publishAndSubscribeRefuseBadKeysPatternsAndWrongExchanges() {
        String name = unique("events");
        create(name, "{\"pattern\":\"pubsub\"}");
        problem(given().body("x").post("/exchanges/" + name + "/publish/orders.*"), 400, "routing key");
        problem(given().body("x").post("/exchanges/" + name + "/publish/bad key"), 400, "routing key");
        problem(given().body("x").post("/exchanges/" + name + "/publish/orders.*?confirm=false"), 400, "routing key");
        problem(given().body("x").post("/exchanges/" + name + "/publish/orders?confirm=maybe"), 400,
            "confirm must be true or false");
        problem(given().get("/exchanges/" + name + "/subscribe?key=a.b*"), 400, "subscription pattern");
        problem(given().get("/exchanges/" + name + "/subscribe"), 400, "missing");
        problem(given().get("/exchanges/" + unique("none") + "/subscribe?key=a"), 404, "no exchange");
        String tasks = unique("tasks");
        create(tasks, "{\"pattern\":\"tasks\"}");
        problem(given().get("/exchanges/" + tasks + "/subscribe?key=a"), 400, "is a tasks exchange, not pubsub");
    }

    // ---- sink and tasks, with HTTP consumers and workers -------------------------------------------------------

    @Test
    void anHttpConsumerReceivesSinkMessagesInBatchesAndAcksThem() {
        String name = unique("logs");
        create(name, "{\"pattern\":\"sink\"}");
        given().header("Messaging-Tag", "l1").body("line 1").post("/exchanges/" + name + "/messages")
            .then().statusCode(202);
        String party = given().post("/exchanges/" + name + "/consumers").then().statusCode(201)
            .body("role", equalTo("consumer")).extract().path("party");
        Response item = given().queryParam("wait", "5s").get("/parties/" + party + "/next");
        item.then().statusCode(200).body("kind", equalTo("messages")).body("messages[0].message", equalTo("line 1"))
            .body("messages[0].tag", equalTo("l1"));
        int id = item.path("item");
        problem(given().post("/parties/" + party + "/items/" + id + "/reply"), 400, "ack it");
        given().post("/parties/" + party + "/items/" + id + "/ack").then().statusCode(204);
        given().get("/parties/" + party + "/next").then().statusCode(204);
        given().delete("/parties/" + party).then().statusCode(204);
        problem(given().get("/parties/" + party + "/next"), 404, "no party");
    }

    @Test
    void anHttpWorkerAcksNacksAndItsExpiredLeaseGivesTasksBack() {
        String name = unique("jobs");
        create(name, "{\"pattern\":\"tasks\"}");
        given().queryParam("priority", 7).header("Messaging-Tag", "job-a").body("A")
            .post("/exchanges/" + name + "/tasks").then().statusCode(202).body("id", notNullValue());
        problem(given().queryParam("priority", 10).body("B").post("/exchanges/" + name + "/tasks"), 400, "priority");
        problem(given().queryParam("priority", "high").body("B").post("/exchanges/" + name + "/tasks"), 400,
            "must be an integer");
        String worker = given().queryParam("prefetch", 1).queryParam("lease", "1s")
            .post("/exchanges/" + name + "/workers").then().statusCode(201).extract().path("party");
        Response task = given().queryParam("wait", "5s").get("/parties/" + worker + "/next");
        task.then().statusCode(200).body("kind", equalTo("task")).body("message", equalTo("A"))
            .body("priority", equalTo(7)).body("tag", equalTo("job-a")).body("deliveryCount", equalTo(1));
        // nack: it comes back to the same (only) worker as a redelivery
        given().post("/parties/" + worker + "/items/" + task.path("item") + "/nack").then().statusCode(204);
        Response again = given().queryParam("wait", "5s").get("/parties/" + worker + "/next");
        again.then().statusCode(200).body("deliveryCount", equalTo(2)).body("redelivered", equalTo(true));
        given().post("/parties/" + worker + "/items/" + again.path("item") + "/in-progress").then().statusCode(204);
        // The worker stops calling: after its 1 s lease the task is redelivered to another worker.
        String second = given().queryParam("lease", "30s").post("/exchanges/" + name + "/workers").then()
            .statusCode(201).extract().path("party");
        Response third = given().queryParam("wait", "10s").get("/parties/" + second + "/next");
        third.then().statusCode(200).body("message", equalTo("A")).body("deliveryCount", equalTo(3));
        problem(given().get("/parties/" + worker), 404, "no party");
        given().post("/parties/" + second + "/items/" + third.path("item") + "/ack").then().statusCode(204);
        problem(given().post("/parties/" + second + "/items/" + third.path("item") + "/ack"), 409, "holds no item");
        given().get("/exchanges/" + name).then().body("depth", equalTo(0));
        given().delete("/parties/" + second).then().statusCode(204);
    }

    @Test
    void anHttpServiceAnswersRequestsFromOtherClients() {
        String name = unique("svc");
        create(name, "{\"pattern\":\"request-response\"}");
        String service = given().post("/exchanges/" + name + "/services").then().statusCode(201)
            .body("role", equalTo("service")).extract().path("party");
        var reply = client.call(name, Buffer.buffer("question"));
        Response item = given().queryParam("wait", "5s").get("/parties/" + service + "/next");
        item.then().statusCode(200).body("kind", equalTo("request")).body("message", equalTo("question"));
        given().body("answer").post("/parties/" + service + "/items/" + item.path("item") + "/reply")
            .then().statusCode(204);
        await().until(reply::isComplete);
        assertThat(reply.result().message().toString()).isEqualTo("answer");
        // Closing the party fails what it still holds at once (no client waits for a timeout).
        var pending = client.call(name, Buffer.buffer("second"));
        given().queryParam("wait", "5s").get("/parties/" + service + "/next").then().statusCode(200);
        given().delete("/parties/" + service).then().statusCode(204);
        await().until(pending::isComplete);
        assertThat(pending.cause()).hasMessageContaining("went away");
        problem(given().post("/exchanges/" + name + "/workers"), 400, "not tasks");
        problem(given().queryParam("limit", 0).post("/exchanges/" + name + "/services"), 400, "limit");
        problem(given().queryParam("lease", "1h").post("/exchanges/" + name + "/services"), 400, "exceeds");
    }

    @Test
    void theOpenApiDocumentDescribesEveryRoute() {
        String doc = given().get("/q/openapi").then().statusCode(200).extract().asString();
        assertThat(doc).contains("/exchanges/{name}:", "/exchanges/{name}/requests:", "/dialogues/{id}/answer:",
            "/exchanges/{name}/publish/{key}:", "/exchanges/{name}/subscribe:", "/exchanges/{name}/messages:",
            "/exchanges/{name}/tasks:", "/exchanges/{name}/services:", "/exchanges/{name}/workers:",
            "/exchanges/{name}/consumers:", "/parties/{id}/next:", "/parties/{id}/items/{item}/{action}:");
    }
}

package dev.messagingnode.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.process.NodeProcess;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP API on any node reaches the exchange wherever it lives: exchanges created on one node are listed,
 * used and deleted through the other; an HTTP service and an HTTP worker on one node serve clients of the other.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterHttpIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> call(NodeProcess node, String method, String path, String body)
        throws Exception {
        return callAsync(node, method, path, body).get(30, TimeUnit.SECONDS);
    }

    private static CompletableFuture<HttpResponse<String>> callAsync(NodeProcess node, String method, String path,
                                                                     String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
            .timeout(Duration.ofSeconds(30)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyNodeServesTheHttpApiForExchangesAnywhere() throws Exception {
        try (ProcessCluster cluster = ProcessCluster.start("http", Map.of("MESSAGING_DEMO_ENABLED", "false"))) {
            NodeProcess n1 = cluster.processes.get(0);
            NodeProcess n2 = cluster.processes.get(1);
            assertThat(call(n1, "PUT", "/exchanges/http-rpc", "{\"pattern\":\"request-response\"}").statusCode())
                .isEqualTo(201);
            assertThat(call(n1, "PUT", "/exchanges/http-jobs", "{\"pattern\":\"tasks\"}").statusCode())
                .isEqualTo(201);
            await().atMost(Duration.ofSeconds(20)).until(() -> call(n2, "GET", "/exchanges/http-jobs", null)
                .statusCode() == 200);
            JsonObject listed = new JsonObject(call(n2, "GET", "/exchanges/http-jobs", null).body());
            // Durable: it runs on the leader of the replica set, whichever node the PUT went to.
            assertThat(listed.getJsonArray("hosts").getList()).hasSize(1).containsAnyOf("n1", "n2");
            // Creating the same definition on the other node is idempotent; another definition conflicts.
            assertThat(call(n2, "PUT", "/exchanges/http-jobs", "{\"pattern\":\"tasks\"}").statusCode()).isEqualTo(200);
            assertThat(call(n2, "PUT", "/exchanges/http-jobs", "{\"pattern\":\"sink\"}").statusCode()).isEqualTo(409);

            // An HTTP service on n1 answers a client of n2.
            String service = new JsonObject(call(n1, "POST", "/exchanges/http-rpc/services", "").body())
                .getString("party");
            await().atMost(Duration.ofSeconds(10)).until(() -> new JsonObject(call(n2, "GET", "/exchanges/http-rpc",
                null).body()).getInteger("parties") == 1);
            CompletableFuture<HttpResponse<String>> reply = callAsync(n2, "POST", "/exchanges/http-rpc/requests",
                "across");
            JsonObject item = new JsonObject(call(n1, "GET", "/parties/" + service + "/next?wait=10s", null).body());
            assertThat(item.getString("message")).isEqualTo("across");
            assertThat(call(n1, "POST", "/parties/" + service + "/items/" + item.getLong("item") + "/reply",
                "answered on n1").statusCode()).isEqualTo(204);
            assertThat(reply.get(10, TimeUnit.SECONDS).body()).isEqualTo("answered on n1");

            // Tasks enqueued through n2 reach an HTTP worker on n2; the exchange itself lives on n1.
            assertThat(call(n2, "POST", "/exchanges/http-jobs/tasks?priority=4", "job").statusCode()).isEqualTo(202);
            String worker = new JsonObject(call(n2, "POST", "/exchanges/http-jobs/workers", "").body())
                .getString("party");
            JsonObject task = new JsonObject(call(n2, "GET", "/parties/" + worker + "/next?wait=10s", null).body());
            assertThat(task.getString("message")).isEqualTo("job");
            assertThat(task.getInteger("priority")).isEqualTo(4);
            assertThat(call(n2, "POST", "/parties/" + worker + "/items/" + task.getLong("item") + "/ack", "")
                .statusCode()).isEqualTo(204);
            assertThat(new JsonObject(call(n2, "GET", "/exchanges/http-jobs", null).body()).getLong("depth")).isZero();

            // The management page's view, asked of n2: the leader's figures cross the wire (DetailFrame), the
            // worker is seen on its own node, and the replica set is named.
            JsonObject detail = new JsonObject(call(n2, "GET", "/exchanges/http-jobs?detail=true", null).body());
            String leader = detail.getJsonArray("hosts").getString(0);
            assertThat(detail.getBoolean("durable")).isTrue();
            assertThat(detail.getString("leader")).isEqualTo(leader);
            assertThat(detail.getJsonArray("replicas").getList()).contains("n1", "n2");
            assertThat(detail.getJsonObject("counts").getLong("published")).isEqualTo(1);
            assertThat(detail.getJsonObject("counts").getLong("acked")).isEqualTo(1);
            assertThat(detail.getJsonArray("partyList").stream().map(JsonObject.class::cast)
                .filter(p -> p.getString("kind").equals("worker")).map(p -> p.getString("node"))).containsExactly("n2");
            // A member is ready here once its announcement has arrived: within moments of its joining (this JVM
            // joined last; its announcement was once dropped when it raced the end of JGroups' connect()).
            await().atMost(Duration.ofSeconds(10)).until(() -> new JsonObject(call(n2, "GET", "/members", null)
                .body()).getJsonArray("members").stream().allMatch(m -> ((JsonObject) m).getBoolean("ready")));
            JsonObject members = new JsonObject(call(n2, "GET", "/members", null).body());
            assertThat(members.getJsonArray("members")).hasSize(cluster.processes.size() + 1); // and this JVM
            for (Object m : members.getJsonArray("members")) {
                JsonObject member = (JsonObject) m;
                assertThat(member.getString("address")).as(member.encode()).startsWith("127.0.0.1:");
                assertThat(member.getBoolean("ready")).as(member.encode()).isTrue();
                assertThat(member.getLong("since")).as(member.encode()).isPositive();
            }

            // Deleting through n2 stops the exchange on n1.
            assertThat(call(n2, "DELETE", "/exchanges/http-jobs", null).statusCode()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(10)).until(() -> call(n1, "GET", "/exchanges/http-jobs", null)
                .statusCode() == 404);
        }
    }
}

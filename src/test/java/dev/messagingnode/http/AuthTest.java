package dev.messagingnode.http;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.messagingnode.bridge.EventBusBridges;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With messaging.http.auth-token set, the API and the bridges refuse callers without that bearer token. */
@QuarkusTest
@TestProfile(AuthTest.WithToken.class)
class AuthTest {

    public static class WithToken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("messaging.http.auth-token", "s3cret");
        }
    }

    @Inject
    EventBusBridges bridges;

    @Test
    void theApiRefusesMissingAndWrongTokensAndTakesTheRightOne() {
        given().get("/exchanges").then().statusCode(401).contentType("application/problem+json")
            .header("WWW-Authenticate", "Bearer realm=\"messaging-node\"").body("detail",
                equalTo("this node requires 'Authorization: Bearer <token>'"));
        given().header("Authorization", "Bearer wrong").get("/exchanges").then().statusCode(401)
            .body("detail", equalTo("the bearer token is not valid"));
        given().header("Authorization", "Basic czNjcmV0").post("/exchanges/test-rpc/requests").then().statusCode(401);
        given().get("/eventbus/info").then().statusCode(401);
        given().header("Authorization", "Bearer s3cret").get("/exchanges").then().statusCode(200);
        given().queryParam("access_token", "s3cret").get("/eventbus/info").then().statusCode(200);
        // Probes and scrapes carry no token.
        given().get("/q/health/live").then().statusCode(200);
    }

    /**
     * Every other way of writing a protected path is refused without the token, before any route: sent on a raw
     * socket, so that no client library normalizes the path on the way.
     */
    @Test
    void everySpellingOfAProtectedPathNeedsTheToken() throws Exception {
        List<String> spellings = List.of("/exchanges", "/%65xchanges", "/%65XCHANGES", "//exchanges", "/./exchanges",
            "/x/../exchanges", "/q/../exchanges", "/q/%2e%2e/exchanges", "/q/%2E%2E/exchanges", "/exchanges/",
            "/exchanges/demo-x/../test-rpc", "/%70arties/abc", "/p%61rties/abc/next", "/%64ialogues/x",
            "/%65ventbus/info", "//eventbus/info", "/./eventbus/info", "/EXCHANGES", "/Exchanges/test-rpc",
            "/exchanges;x=1", "/exchanges%3Bx", "/q/health/../../exchanges", "/q//../exchanges",
            "/%2e/exchanges", "/exchanges/%74est-rpc/requests", "/eventbus/123/abc/xhr_send", "/nothing-here");
        int port = io.restassured.RestAssured.port;
        for (String method : List.of("GET", "PUT", "POST", "DELETE")) {
            for (String path : spellings) {
                assertThat(RawHttp.status(port, method, path, null))
                    .as("%s %s without a token", method, path).isEqualTo(401);
            }
        }
        // Nothing was created or deleted on the way.
        given().header("Authorization", "Bearer s3cret").get("/exchanges/test-rpc").then().statusCode(200);
        // Paths with no single reading are refused whatever the token.
        for (String path : List.of("/exchanges%2ftest-rpc", "/exchanges%5ctest-rpc", "/exchanges\\test-rpc",
            "/%zzexchanges", "/exchanges/%", "/exchanges/%c3%28", "/%00exchanges", "/../exchanges")) {
            assertThat(RawHttp.status(port, "GET", path, "s3cret")).as("GET %s", path).isEqualTo(400);
        }
        // The management page's files are read without the token; nothing else under /ui/ is, nor any way out of it.
        assertThat(RawHttp.status(port, "GET", "/ui/", null)).isEqualTo(200);
        assertThat(RawHttp.status(port, "GET", "/ui/app.js", null)).isEqualTo(200);
        assertThat(RawHttp.status(port, "GET", "/ui", null)).isEqualTo(302);
        for (String path : List.of("/ui/../exchanges", "/ui/%2e%2e/exchanges", "/ui/./../members", "/ui/..%2fexchanges",
            "/ui/../eventbus/info", "/uix/../exchanges", "/ui/../q/../exchanges")) {
            assertThat(RawHttp.status(port, "GET", path, null)).as("GET %s without a token", path).isIn(400, 401);
        }
        for (String method : List.of("PUT", "POST", "DELETE")) {
            assertThat(RawHttp.status(port, method, "/ui/app.js", null)).as("%s /ui/app.js", method).isEqualTo(401);
        }
        // The open paths stay open, and the token still opens the rest.
        assertThat(RawHttp.status(port, "GET", "/q/health/live", null)).isEqualTo(200);
        assertThat(RawHttp.status(port, "GET", "//exchanges", "s3cret")).isEqualTo(200);
    }

    @Test
    void theTcpBridgeRefusesFramesWithoutTheToken() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", bridges.tcpPort())) {
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            JsonObject frame = new JsonObject().put("type", "send").put("address", "messaging.api.request")
                .put("replyAddress", "r1").put("body", new JsonObject().put("exchange", "test-rpc").put("message", "x"));
            write(out, frame);
            JsonObject refused = read(in);
            assertThat(refused.getString("type")).isEqualTo("err");
            assertThat(refused.getString("message")).contains("blocked");
            write(out, frame.copy().put("headers", new JsonObject().put("authorization", "Bearer wrong")));
            assertThat(read(in).getString("type")).isEqualTo("err");
            write(out, frame.copy().put("headers", new JsonObject().put("authorization", "Bearer s3cret")));
            JsonObject answer = read(in);
            // Past authentication: test-rpc has no service, so the node itself answers NO_SERVICE.
            assertThat(answer.getInteger("failureCode")).isEqualTo(4002);
        }
    }

    private static void write(DataOutputStream out, JsonObject frame) throws Exception {
        byte[] bytes = frame.encode().getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    private static JsonObject read(DataInputStream in) throws Exception {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
    }
}

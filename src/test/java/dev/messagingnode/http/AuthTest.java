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

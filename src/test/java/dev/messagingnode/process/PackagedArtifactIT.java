package dev.messagingnode.process;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The built artifact as Quarkus packages it: the jar here, the native executable under {@code -Dnative}. Health,
 * the HTTP API and every demo pattern, so that what the native image leaves out (reflection, resources) shows up.
 */
@QuarkusIntegrationTest
@TestProfile(PackagedArtifactIT.FreeBridgePort.class)
class PackagedArtifactIT {

    public static class FreeBridgePort implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // A log of its own for each run: never the project's ./data, and nothing left from an earlier run.
            return Map.of("messaging.bridge.tcp.port", "0", "messaging.bridge.tcp.host", "127.0.0.1",
                "messaging.durable.data-dir", "target/packaged-artifact-data/" + System.nanoTime());
        }
    }

    @Test
    void healthAndEveryDemoPatternWorkOnTheArtifact() {
        given().get("/q/health/started").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        given().get("/exchanges").then().statusCode(200).body("name", hasItems("demo-echo", "demo-count",
            "demo-greeter", "demo-events", "demo-logs", "demo-jobs"));
        given().header("Messaging-Tag", "t").body("native?").post("/exchanges/demo-echo/requests").then()
            .statusCode(200).header("Messaging-Tag", "t").body(equalTo("native?"));
        given().body("3").post("/exchanges/demo-count/requests").then().statusCode(200).body(equalTo("1\n2\n3\n"));
        given().body("x").post("/exchanges/demo-events/publish/a.b").then().statusCode(200)
            .body("matched", equalTo(0));
        given().body("line").post("/exchanges/demo-logs/messages").then().statusCode(202);
        given().body("job").post("/exchanges/demo-jobs/tasks?priority=2").then().statusCode(202);
        given().body("{bad").put("/exchanges/x").then().statusCode(400).contentType("application/problem+json");
        given().get("/q/openapi").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }
}

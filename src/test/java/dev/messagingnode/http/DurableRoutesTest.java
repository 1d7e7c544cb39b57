package dev.messagingnode.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** {@code /durable} on the embedded default: a replica set of one, fsynced, whose changes are checked. */
@QuarkusTest
class DurableRoutesTest {

    @Test
    void theReplicaSetOfANodeAloneIsItselfAndFsyncs() {
        given().contentType("application/json").body("{\"pattern\":\"tasks\"}").put("/exchanges/durable-routes")
            .then().statusCode(201);
        given().get("/durable").then().statusCode(200).body("role", equalTo("leader"))
            .body("fsync", equalTo(true)).body("members.size()", equalTo(1))
            .body("exchanges", hasItem("durable-routes"));
        given().delete("/exchanges/durable-routes").then().statusCode(204);
    }

    @Test
    void membersAreCheckedBeforeTheLogIsAsked() {
        given().put("/durable/members/bad..name.").then().statusCode(400).contentType("application/problem+json")
            .body("detail", containsString("is not a node name"));
        given().delete("/durable/members/ghost").then().statusCode(404)
            .body("detail", containsString("is not a member of the replica set"));
        String me = given().get("/durable").then().extract().path("node");
        given().delete("/durable/members/" + me).then().statusCode(409)
            .body("detail", containsString("is the last member"));
        given().put("/durable/members/" + me).then().statusCode(200).body("members.size()", equalTo(1));
    }

    @Test
    void aTransientTasksExchangeIsNotInTheLog() {
        given().contentType("application/json").body("{\"pattern\":\"tasks\",\"options\":{\"durable\":false}}")
            .put("/exchanges/fast-routes").then().statusCode(201);
        given().get("/durable").then().statusCode(200).body("exchanges", org.hamcrest.Matchers.not(
            hasItem("fast-routes")));
        given().body("x").post("/exchanges/fast-routes/tasks").then().statusCode(202);
        given().delete("/exchanges/fast-routes").then().statusCode(204);
        given().contentType("application/json").body("{\"pattern\":\"tasks\",\"options\":{\"durable\":\"maybe\"}}")
            .put("/exchanges/odd-routes").then().statusCode(400).body("detail", containsString("true or false"));
    }
}

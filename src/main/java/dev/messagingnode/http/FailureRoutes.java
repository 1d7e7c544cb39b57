package dev.messagingnode.http;

import io.quarkus.vertx.web.Route;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns whatever a route throws into a problem document: a route validates its input by throwing a
 * {@link dev.messagingnode.exchange.MessagingException}, and this is where it becomes 400, 404, 409...
 */
@ApplicationScoped
public class FailureRoutes {

    /** Any path no route matched (outside /q/): a problem document rather than Vert.x's HTML page. */
    @Route(regex = "/(?!q/).*", order = Integer.MAX_VALUE)
    void unmatched(RoutingContext rc) {
        Problems.send(rc, 404, "Not found", "no route " + rc.request().method() + " " + rc.request().path()
            + "; see /q/openapi");
    }

    @Route(type = Route.HandlerType.FAILURE, order = 1)
    void failure(RoutingContext rc) {
        Throwable t = rc.failure();
        if (t != null) {
            Problems.fail(rc, t);
        } else {
            int status = rc.statusCode() > 0 ? rc.statusCode() : 500;
            Problems.send(rc, status, status == 413 ? "Too large" : "HTTP " + status, switch (status) {
                case 413 -> "the body exceeds quarkus.http.limits.max-body-size";
                case 404 -> "no such route: " + rc.request().method() + " " + rc.request().path();
                case 405 -> "method " + rc.request().method() + " is not allowed on " + rc.request().path();
                default -> "the request failed with status " + status;
            });
        }
    }
}

package dev.messagingnode.http;

import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Errors as RFC 9457 problem details. Every failure of the node has a stable {@code type} URI and wire code, so a
 * program can tell an over-capacity refusal (retry later) from a bad request (fix it) without parsing the text.
 */
public final class Problems {

    public static final String CONTENT_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://messaging-node.dev/problems/";

    private Problems() {
    }

    /** The problem document for a failure. */
    public static JsonObject of(Failure failure, String detail, String instance) {
        String slug = failure.name().toLowerCase(Locale.ROOT).replace('_', '-');
        JsonObject json = new JsonObject().put("type", TYPE_BASE + slug).put("title", title(failure))
            .put("status", failure.httpStatus()).put("detail", detail).put("code", failure.code());
        if (instance != null) {
            json.put("instance", instance);
        }
        return json;
    }

    /** Answers the request with the problem {@code t} stands for (a MessagingException, bad JSON, or a bug). */
    public static void fail(RoutingContext rc, Throwable t) {
        if (t instanceof MessagingException m) {
            send(rc, m.failure(), m.detail());
        } else if (t instanceof DecodeException d) {
            send(rc, Failure.INVALID, "the body is not valid JSON: " + d.getMessage());
        } else if (t instanceof IllegalArgumentException e) {
            send(rc, Failure.INVALID, e.getMessage());
        } else {
            MessagingException m = MessagingException.from(t, Failure.NO_SUCH_EXCHANGE, "no handler");
            send(rc, m.failure(), m.detail());
        }
    }

    public static void send(RoutingContext rc, Failure failure, String detail) {
        send(rc, failure.httpStatus(), of(failure, detail, rc.request().path()));
    }

    /** For statuses that are not a node failure (405, 413 from the HTTP layer, 431...). */
    public static void send(RoutingContext rc, int status, String title, String detail) {
        send(rc, status, new JsonObject().put("type", "about:blank").put("title", title).put("status", status)
            .put("detail", detail).put("instance", rc.request().path()));
    }

    private static void send(RoutingContext rc, int status, JsonObject problem) {
        HttpServerResponse response = rc.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (response.headWritten()) {
            // A stream already under way cannot change its status: cut it, so the client sees it incomplete.
            response.reset();
            return;
        }
        if (status == 401) {
            response.putHeader("WWW-Authenticate", "Bearer realm=\"messaging-node\"");
        }
        if (status == 503) {
            // Every 503 of the node is retryable (no service yet, exchange moving, no quorum): say when to try again.
            response.putHeader("Retry-After", "1");
        }
        response.setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE).end(problem.encode());
    }

    private static String title(Failure failure) {
        return switch (failure) {
            case NO_SUCH_EXCHANGE -> "No such exchange";
            case NO_SERVICE -> "No service registered";
            case OVER_CAPACITY -> "Over capacity";
            case TOO_LARGE -> "Too large";
            case TIMED_OUT -> "Timed out";
            case SERVICE_FAILED -> "Service failed";
            case EXCHANGE_DOWN -> "Exchange down";
            case INVALID -> "Invalid request";
            case CONFLICT -> "Conflict";
            case CANCELLED -> "Cancelled";
            case ENDED -> "Dialogue ended";
            case NOT_HELD -> "Not held";
            case NOT_FOUND -> "Not found";
            case UNAUTHORIZED -> "Unauthorized";
            case NO_QUORUM -> "No quorum";
        };
    }
}

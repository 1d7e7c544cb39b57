package dev.messagingnode.http;

import dev.messagingnode.exchange.Failure;
import io.quarkus.vertx.web.RouteFilter;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Optional bearer-token authentication of the API and the SockJS bridge. Health, metrics and OpenAPI under
 * {@code /q/} stay open: Kubernetes probes and Prometheus carry no token. So does reading the management page's own
 * files under {@code /ui/} ({@link ManagementPage}): they hold no data, and the page asks the person for the token
 * that its every API call then carries. A browser cannot set headers on a WebSocket, so {@code access_token} in the
 * query (RFC 6750 §2.3) is taken as well.
 *
 * <p>The decision is taken on the {@link CanonicalPath} and is deny by default: with a token set, every path whose
 * canonical form is not under {@code /q/} needs it, whatever route (or none) it would reach, so no other spelling of
 * a protected path gets around it. A path with no single reading is refused with 400 before any route sees it,
 * token or not.
 */
@ApplicationScoped
public class ApiAuthFilter {

    private final Optional<byte[]> token;

    public ApiAuthFilter(HttpApiConfig config) {
        this.token = config.authToken().filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8));
    }

    @RouteFilter(100)
    void authenticate(RoutingContext rc) {
        String path;
        try {
            path = CanonicalPath.of(rc.request().path());
        } catch (CanonicalPath.Unreadable e) {
            Problems.send(rc, Failure.INVALID, "the request path cannot be read: " + e.getMessage());
            return;
        }
        if (token.isEmpty() || open(path) || ManagementPage.isPageFile(path, rc.request().method())) {
            rc.next();
            return;
        }
        String presented = presented(rc);
        if (presented == null) {
            Problems.send(rc, Failure.UNAUTHORIZED, "this node requires 'Authorization: Bearer <token>'");
        } else if (!matches(presented)) {
            Problems.send(rc, Failure.UNAUTHORIZED, "the bearer token is not valid");
        } else {
            rc.next();
        }
    }

    /** Compares in constant time, so the token cannot be guessed byte by byte from response times. */
    public boolean matches(String presented) {
        return token.isEmpty() || MessageDigest.isEqual(token.get(), presented.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether an {@code Authorization} value ({@code Bearer <token>}) carries the token (null, another scheme: no). */
    public boolean acceptsAuthorization(Object authorization) {
        String token = bearer(authorization);
        return token != null && matches(token);
    }

    private static String bearer(Object authorization) {
        return authorization instanceof String s && s.regionMatches(true, 0, "Bearer ", 0, 7)
            ? s.substring(7).trim() : null;
    }

    public boolean required() {
        return token.isPresent();
    }

    private static String presented(RoutingContext rc) {
        String header = bearer(rc.request().getHeader("Authorization"));
        return header != null ? header : rc.request().getParam("access_token");
    }

    /** Health, metrics and OpenAPI: what probes and scrapers reach without a token. */
    private static boolean open(String canonicalPath) {
        return canonicalPath.startsWith("/q/");
    }
}

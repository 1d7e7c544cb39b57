package dev.messagingnode.http;

import io.quarkus.vertx.web.Route;
import io.quarkus.vertx.web.Route.HttpMethod;
import io.quarkus.vertx.web.RouteFilter;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The management page, {@code /ui/}: static files (`META-INF/resources/ui`, plain JavaScript, nothing from a CDN)
 * that call the node's own HTTP API. The files hold no data, so they are served without the token
 * ({@link ApiAuthFilter}); every call they make carries it. They are served with a content security policy that
 * lets the page load only its own files and talk only to this node, so that nothing an exchange carries can run
 * as script in an operator's browser.
 */
@ApplicationScoped
public class ManagementPage {

    static final String PREFIX = "/ui/";
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'"
        + " data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** Whether a request, by its canonical path and method, only reads one of the page's files. */
    static boolean isPageFile(String canonicalPath, io.vertx.core.http.HttpMethod method) {
        return (method == io.vertx.core.http.HttpMethod.GET || method == io.vertx.core.http.HttpMethod.HEAD)
            && (canonicalPath.equals("/ui") || canonicalPath.startsWith(PREFIX));
    }

    @Route(path = "/ui", methods = {HttpMethod.GET, HttpMethod.HEAD})
    void redirect(RoutingContext rc) {
        if (!rc.request().path().equals("/ui")) {
            rc.next(); // Vert.x matches "/ui/" here too: that one is the static index page
            return;
        }
        rc.response().setStatusCode(302).putHeader("Location", PREFIX).end();
    }

    @RouteFilter(90)
    void headers(RoutingContext rc) {
        String path = rc.request().path();
        if (path != null && path.startsWith(PREFIX)) {
            rc.response().putHeader("Content-Security-Policy", POLICY).putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer").putHeader("Cache-Control", "no-cache");
        }
        rc.next();
    }
}

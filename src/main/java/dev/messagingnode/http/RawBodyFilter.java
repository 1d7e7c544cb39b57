package dev.messagingnode.http;

import io.quarkus.vertx.web.RouteFilter;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;

/**
 * Keeps every request body as the bytes the client sent. A message body is opaque to the node, but the HTTP layer
 * would parse {@code application/x-www-form-urlencoded} and {@code multipart/form-data} bodies into form
 * attributes: percent-decoding them (and failing on {@code disk 91% full}) or moving a multipart payload out of the
 * body, which then arrives empty. So before the body is read, such a request is relabelled as bytes, and its real
 * content type is kept for {@link Bodies#headers} to carry as the message's {@code content-type}.
 */
@ApplicationScoped
public class RawBodyFilter {

    static final String CONTENT_TYPE_KEY = "messaging.original-content-type";

    @RouteFilter(90)
    void keepBodyRaw(RoutingContext rc) {
        String contentType = rc.request().getHeader("Content-Type");
        if (contentType != null && isForm(contentType)) {
            rc.put(CONTENT_TYPE_KEY, contentType);
            rc.request().headers().set("Content-Type", "application/octet-stream");
        }
        rc.next();
    }

    private static boolean isForm(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT).trim();
        return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/");
    }
}

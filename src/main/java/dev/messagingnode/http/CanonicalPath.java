package dev.messagingnode.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The one place where a request path is put in canonical form before anything decides on it: every percent-escape
 * decoded, empty segments ({@code //}) and {@code .} dropped, {@code ..} applied. Authentication decides on this form,
 * so {@code /%65xchanges}, {@code //exchanges}, {@code /./exchanges} and {@code /q/../exchanges} are all
 * {@code /exchanges}.
 *
 * <p>A path that cannot be read one way only is refused rather than guessed at: a {@code %} not followed by two hex
 * digits, an escaped {@code /} or {@code \} (a router may or may not split on it), a backslash, a NUL or another
 * control character, bytes that are not UTF-8, and a {@code ..} above the root.
 */
public final class CanonicalPath {

    /** A path that has no single reading; {@link #getMessage()} says why. */
    public static final class Unreadable extends Exception {
        Unreadable(String why) {
            super(why, null, false, false);
        }
    }

    private CanonicalPath() {
    }

    /** The canonical form of {@code raw} (the path as the request line has it, without the query). */
    public static String of(String raw) throws Unreadable {
        if (raw == null || raw.isEmpty() || raw.charAt(0) != '/') {
            throw new Unreadable("the path must start with '/'");
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : raw.substring(1).split("/", -1)) {
            String decoded = decode(segment);
            switch (decoded) {
                case "", "." -> { }
                case ".." -> {
                    if (segments.pollLast() == null) {
                        throw new Unreadable("'..' climbs above the root");
                    }
                }
                default -> segments.addLast(decoded);
            }
        }
        boolean trailingSlash = raw.length() > 1 && raw.endsWith("/");
        String path = "/" + String.join("/", segments);
        return trailingSlash && !segments.isEmpty() ? path + "/" : path;
    }

    private static String decode(String segment) throws Unreadable {
        if (segment.indexOf('%') < 0) {
            check(segment);
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            int hi = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
            int lo = hi < 0 ? -1 : Character.digit(segment.charAt(i + 2), 16);
            if (lo < 0) {
                throw new Unreadable("'%' must be followed by two hex digits");
            }
            int b = hi * 16 + lo;
            if (b == '/' || b == '\\') {
                throw new Unreadable("an escaped '/' or '\\' is not allowed in a path");
            }
            bytes.write(b);
            i += 2;
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()))
                .toString();
        } catch (CharacterCodingException e) {
            throw new Unreadable("the escaped bytes are not UTF-8");
        }
        check(decoded);
        return decoded;
    }

    private static void check(String segment) throws Unreadable {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new Unreadable("control characters are not allowed in a path");
            }
            if (c == '\\') {
                throw new Unreadable("'\\' is not allowed in a path");
            }
        }
    }
}

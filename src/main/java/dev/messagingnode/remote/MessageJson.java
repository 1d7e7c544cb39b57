package dev.messagingnode.remote;

import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * How a message body travels inside JSON (bridge frames, SSE events, HTTP work items). Bodies are bytes; JSON is
 * text. A body that is valid UTF-8 travels as a string; any other body travels as base64 with
 * {@code "encoding": "base64"} beside it. Coming in, a string is taken as UTF-8 (or base64 when the frame says so),
 * and any other JSON value (object, array, number) is taken as its JSON text, so a bridge client may send objects.
 *
 * <p>Inside the bridge a frame carries its bodies <em>raw</em> ({@link #putRaw}: the {@link Buffer} itself), so that
 * the binary framing writes them as bytes, untouched, and one body is shared by every frame that carries it; a JSON
 * transport turns them into text just before it encodes the frame ({@link #textify}).
 */
public final class MessageJson {

    public static final String MESSAGE = "message";
    public static final String ENCODING = "encoding";
    public static final String BASE64 = "base64";

    private MessageJson() {
    }

    /** Puts {@code message} (and {@code encoding} where needed) into {@code json}. */
    public static JsonObject put(JsonObject json, Buffer message) {
        byte[] bytes = message.getBytes();
        String text = utf8(bytes);
        if (text != null) {
            json.put(MESSAGE, text);
        } else {
            json.put(MESSAGE, Base64.getEncoder().encodeToString(bytes)).put(ENCODING, BASE64);
        }
        return json;
    }

    /** Puts {@code message} into {@code json} as it is, raw (see the class comment). */
    public static JsonObject putRaw(JsonObject json, Buffer message) {
        json.getMap().put(MESSAGE, message);
        return json;
    }

    /**
     * Turns every raw body of {@code frame}, at any depth, into its JSON form (text, or base64 with its
     * {@code encoding}); returns {@code frame}.
     */
    public static JsonObject textify(JsonObject frame) {
        Map<String, Object> map = frame.getMap();
        Object message = map.get(MESSAGE);
        for (Object value : map.values()) {
            textifyValue(value);
        }
        if (message instanceof Buffer raw) {
            put(frame, raw);
        }
        return frame;
    }

    private static void textifyValue(Object value) {
        if (value instanceof JsonObject o) {
            textify(o);
        } else if (value instanceof JsonArray a) {
            for (Object element : a.getList()) {
                textifyValue(element);
            }
        }
    }

    /** The body carried by {@code json}'s {@code message} field; INVALID when it is missing or not decodable. */
    public static Buffer message(JsonObject json) {
        if (!json.containsKey(MESSAGE)) {
            throw new MessagingException(Failure.INVALID, "the frame has no 'message' field");
        }
        if (json.getMap().get(MESSAGE) instanceof Buffer raw) {
            return raw;
        }
        Object value = json.getValue(MESSAGE);
        if (value instanceof String s) {
            if (BASE64.equals(json.getString(ENCODING))) {
                try {
                    return Buffer.buffer(Base64.getDecoder().decode(s));
                } catch (IllegalArgumentException e) {
                    throw new MessagingException(Failure.INVALID, "'message' is not valid base64: " + e.getMessage());
                }
            }
            return Buffer.buffer(s);
        }
        if (value instanceof JsonObject o) {
            return o.toBuffer();
        }
        if (value instanceof JsonArray a) {
            return a.toBuffer();
        }
        return Buffer.buffer(String.valueOf(value));
    }

    /** An envelope as JSON: exchange, tag, headers and message. */
    public static JsonObject envelope(Envelope envelope) {
        return put(envelopeWithoutMessage(new JsonObject(), envelope), envelope.message());
    }

    /** {@link #envelope} with the message raw. */
    public static JsonObject rawEnvelope(Envelope envelope) {
        return putRawEnvelope(new JsonObject(), envelope);
    }

    /**
     * {@link #rawEnvelope}'s fields put into {@code json}, a frame being built (a reply, a work item), rather than
     * into an object of their own merged into it afterwards: one map per frame, not two (2.6 % of an event loop's
     * samples under RPC went to building the second and merging it).
     */
    public static JsonObject putRawEnvelope(JsonObject json, Envelope envelope) {
        return putRaw(envelopeWithoutMessage(json, envelope), envelope.message());
    }

    private static JsonObject envelopeWithoutMessage(JsonObject json, Envelope envelope) {
        json.put("exchange", envelope.exchange());
        if (envelope.tag() != null) {
            json.put("tag", envelope.tag());
        }
        if (!envelope.headers().isEmpty()) {
            json.put("headers", new JsonObject(new HashMap<>(envelope.headers())));
        }
        return json;
    }

    /** The optional {@code headers} object of a frame, as strings; INVALID when it is not an object of strings. */
    public static Map<String, String> headers(JsonObject json) {
        Object value = json.getValue("headers");
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof JsonObject o)) {
            throw new MessagingException(Failure.INVALID, "'headers' must be an object of strings");
        }
        Map<String, String> headers = new HashMap<>();
        for (Map.Entry<String, Object> e : o) {
            if (!(e.getValue() instanceof String s)) {
                throw new MessagingException(Failure.INVALID, "header '" + e.getKey() + "' must be a string");
            }
            headers.put(e.getKey(), s);
        }
        return headers;
    }

    /**
     * The body as text when it is valid UTF-8, else null. ASCII, the common case (and the bench's chunks), takes
     * the fast path: one scan and one copy into a compact Latin-1 string. Profiling the chunked bridge workload showed
     * the general CharsetDecoder path (decode into a char[], then compact) at a third of the node's CPU.
     */
    private static String utf8(byte[] bytes) {
        if (isAscii(bytes)) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }
}

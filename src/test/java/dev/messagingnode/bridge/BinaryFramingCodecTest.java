package dev.messagingnode.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.messagingnode.remote.MessageJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The binary framing's codec on its own: what the node writes, read back as the stock JSON and raw segments. */
class BinaryFramingCodecTest {

    private static final String TRICKY = "quote \" backslash \\ tab \t newline \n nul \u0000 del \u007f é 漢字 😀 end";

    @Test
    void aFrameIsItsJsonHeaderAndItsBodiesRawAndReadsBackTheSame() {
        Buffer body = Buffer.buffer(new byte[] {(byte) 0xFF, 0, (byte) 0x80});
        JsonObject frame = new JsonObject().put("type", "message").put("address", TRICKY).put("send", true)
            .put("body", MessageJson.putRaw(new JsonObject().put("n", 42).put("big", 1L << 40).put("x", 1.5)
                .put("none", (Object) null).put("list", new JsonArray().add("a").add(2).add(false))
                .put("headers", new JsonObject().put("k", TRICKY)), body));
        Buffer bytes = BinaryFraming.encode(frame);
        assertThat(bytes.getInt(0)).isEqualTo(bytes.length() - 4);
        int header = bytes.getInt(4);
        JsonObject json = new JsonObject(bytes.getString(8, 8 + header, "UTF-8"));
        assertThat(json.getString("address")).isEqualTo(TRICKY);
        assertThat(json.getJsonObject("body").getInteger("message")).isZero();
        assertThat(json.getJsonObject("body").getJsonObject("headers").getString("k")).isEqualTo(TRICKY);
        assertThat(bytes.getInt(8 + header)).isEqualTo(3);

        JsonObject back = BinaryFraming.decode(bytes.getBuffer(4, bytes.length()));
        assertThat(back.getString("address")).isEqualTo(TRICKY);
        JsonObject b = back.getJsonObject("body");
        assertThat(MessageJson.message(b).getBytes()).containsExactly(0xFF, 0, 0x80);
        assertThat(b.getLong("big")).isEqualTo(1L << 40);
        assertThat(b.getDouble("x")).isEqualTo(1.5);
        assertThat(b.containsKey("none")).isTrue();
        assertThat(b.getJsonArray("list").getList()).containsExactly("a", 2, false);
    }

    /**
     * A subscription delivery written from its subscription's prefix reads back as the very frame the JSON framings
     * send for it (the same members and values), with or without a tag, headers and key.
     */
    @Test
    void aSubscriptionDeliveryFromItsPrefixIsTheSameFrameAsItsTree() {
        SubscriptionFrames frames = new SubscriptionFrames("messaging.client." + TRICKY, "sub-" + TRICKY);
        Buffer body = Buffer.buffer(new byte[] {1, (byte) 0xFF, 0});
        for (dev.messagingnode.exchange.Envelope envelope : new dev.messagingnode.exchange.Envelope[] {
            new dev.messagingnode.exchange.Envelope("ev", null, body, java.util.Map.of()),
            new dev.messagingnode.exchange.Envelope("ev-" + TRICKY, "tag-" + TRICKY, body,
                java.util.Map.of("k", TRICKY, TRICKY, "v"))}) {
            for (String key : new String[] {"a.b", null, TRICKY}) {
                dev.messagingnode.exchange.Delivery d = new dev.messagingnode.exchange.Delivery(envelope, key, 3, "x");
                Buffer written = frames.binary("message", d, Long.MAX_VALUE - 1);
                Buffer fromTree = BinaryFraming.encode(new JsonObject().put("type", "message")
                    .put("address", frames.address()).put("send", true).put("body", frames.body(d, Long.MAX_VALUE - 1)));
                assertThat(written.getInt(0)).isEqualTo(written.length() - 4);
                JsonObject read = BinaryFraming.decode(written.getBuffer(4, written.length()));
                JsonObject expected = BinaryFraming.decode(fromTree.getBuffer(4, fromTree.length()));
                assertThat(MessageJson.textify(read)).isEqualTo(MessageJson.textify(expected));
                assertThat(MessageJson.message(read.getJsonObject("body")).getBytes()).containsExactly(1, 0xFF, 0);
            }
        }
    }

    /**
     * A chunk-sized body is not copied into its frame (the frame is its header's bytes and the body's own, side by
     * side), and the bytes are those of a frame of one buffer: the same length, header, segment lengths and bodies.
     */
    @Test
    void aFrameWithAChunkSizedBodySharesTheBodysBytesAndReadsBackTheSame() {
        byte[] large = new byte[HeaderWriter.SHARED_SEGMENT_BYTES];
        java.util.Arrays.fill(large, (byte) 'c');
        Buffer chunk = Buffer.buffer(large);
        JsonObject frame = new JsonObject().put("type", "message").put("address", TRICKY)
            .put("body", new JsonObject().put("messages", new JsonArray()
                .add(MessageJson.putRaw(new JsonObject(), chunk))
                .add(MessageJson.putRaw(new JsonObject(), Buffer.buffer("tail")))));
        Buffer bytes = BinaryFraming.encode(frame);
        assertThat(bytes.getInt(0)).isEqualTo(bytes.length() - 4);
        int header = bytes.getInt(4);
        assertThat(new JsonObject(bytes.getString(8, 8 + header)).getString("address")).isEqualTo(TRICKY);
        int at = 8 + header;
        assertThat(bytes.getInt(at)).isEqualTo(large.length);
        assertThat(bytes.getBytes(at + 4, at + 4 + large.length)).isEqualTo(large);
        at += 4 + large.length;
        assertThat(bytes.getInt(at)).isEqualTo(4);
        assertThat(bytes.getString(at + 4, at + 8)).isEqualTo("tail");
        assertThat(at + 8).isEqualTo(bytes.length());
        // Shared, not copied: a change to the body's buffer shows in the frame.
        chunk.setByte(0, (byte) 'x');
        assertThat(bytes.getByte(8 + header + 4)).isEqualTo((byte) 'x');
        // One byte shorter: copied into one buffer, as every smaller body is.
        Buffer small = Buffer.buffer(java.util.Arrays.copyOf(large, large.length - 1));
        Buffer copied = BinaryFraming.encode(new JsonObject().put("type", "message")
            .put("body", MessageJson.putRaw(new JsonObject(), small)));
        small.setByte(0, (byte) 'y');
        int h = copied.getInt(4);
        assertThat(copied.getByte(8 + h + 4)).isEqualTo((byte) 'c');
    }

    @Test
    void aSinkBatchCarriesOneSegmentPerMessage() {
        JsonObject frame = new JsonObject().put("body", new JsonObject().put("messages", new JsonArray()
            .add(MessageJson.putRaw(new JsonObject(), Buffer.buffer("one")))
            .add(MessageJson.putRaw(new JsonObject(), Buffer.buffer("two")))));
        Buffer bytes = BinaryFraming.encode(frame);
        int header = bytes.getInt(4);
        JsonObject json = new JsonObject(bytes.getString(8, 8 + header));
        assertThat(json.getJsonObject("body").getJsonArray("messages").getJsonObject(1).getInteger("message"))
            .isEqualTo(1);
        int at = 8 + header;
        assertThat(bytes.getString(at + 4, at + 7)).isEqualTo("one");
        assertThat(bytes.getString(at + 11, at + 14)).isEqualTo("two");
    }

    @Test
    void aHeaderLargerThanTheWritersArrayThenASmallOneBothReadBackWhole() {
        // The header is written into a per-thread array of 512 bytes, grown as needed and dropped past 16 KiB:
        // a 40 KiB header (grown several times, then dropped) and a small one after it on the same thread.
        String big = (TRICKY + "x".repeat(1000)).repeat(40);
        for (String address : new String[] {big, "small", TRICKY, big.substring(0, 600)}) {
            Buffer body = Buffer.buffer("body of " + address.length());
            Buffer bytes = BinaryFraming.encode(new JsonObject().put("type", "message").put("address", address)
                .put("body", MessageJson.putRaw(new JsonObject(), body)));
            assertThat(bytes.getInt(0)).isEqualTo(bytes.length() - 4);
            JsonObject back = BinaryFraming.decode(bytes.getBuffer(4, bytes.length()));
            assertThat(back.getString("address")).isEqualTo(address);
            assertThat(MessageJson.message(back.getJsonObject("body")).toString()).isEqualTo(body.toString());
        }
    }

    @Test
    void integersAndBooleansAreWrittenAsJsonHasThem() {
        JsonObject frame = new JsonObject().put("zero", 0).put("neg", -7).put("big", Long.MAX_VALUE)
            .put("min", Long.MIN_VALUE).put("intMin", Integer.MIN_VALUE).put("short", (short) -12)
            .put("byte", (byte) 9).put("yes", true).put("no", false).put("ten", 10L).put("nines", 999_999_999);
        Buffer bytes = BinaryFraming.encode(frame);
        String header = bytes.getString(8, 8 + bytes.getInt(4));
        assertThat(header).isEqualTo("{\"zero\":0,\"neg\":-7,\"big\":9223372036854775807,\"min\":-9223372036854775808,"
            + "\"intMin\":-2147483648,\"short\":-12,\"byte\":9,\"yes\":true,\"no\":false,\"ten\":10,"
            + "\"nines\":999999999}");
    }

    @Test
    void badLayoutsAreRefusedWithTheirReason() {
        assertThatThrownBy(() -> BinaryFraming.decode(Buffer.buffer(new byte[] {0, 0})))
            .hasMessageContaining("header's length");
        Buffer overrun = Buffer.buffer().appendInt(2).appendString("{}").appendInt(100).appendString("short");
        assertThatThrownBy(() -> BinaryFraming.decode(overrun)).hasMessageContaining("segment 0 says 100 bytes");
        Buffer noSegment = Buffer.buffer().appendInt(22).appendString("{\"body\":{\"message\":0}}");
        assertThatThrownBy(() -> BinaryFraming.decode(noSegment)).hasMessageContaining("names no segment");
    }
}

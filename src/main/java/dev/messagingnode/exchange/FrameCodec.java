package dev.messagingnode.exchange;

/**
 * The explicit wire form of one frame type, a record that crosses between nodes: which components it writes, in
 * which order and as what ({@link FrameWriter}), and how it is built back from them ({@link FrameReader}). Each frame
 * declares its own next to its fields ({@code CODEC}), and each pattern hands its frames' codecs to the
 * {@link WireCodec} ({@link ExchangePattern#wireCodecs}).
 *
 * <p><b>The rule for changing a frame</b> (see {@link WireCodec} for why): add components only at the end, each with
 * a default its constructor accepts (null, 0, false, empty); never remove, reorder or retype one. A reader of the
 * release before skips what it does not know; this release's reader gives a component an older writer did not send
 * its default, which the reader methods return by themselves. An enum read with {@link FrameReader#name} refuses a
 * constant this release does not know; where a newer release may add constants (failure codes), read the name as a
 * string and map an unknown one to a fallback, as {@code ReplyFrame} does.
 *
 * <pre>
 *   static final FrameCodec&lt;CreditFrame&gt; CODEC = FrameCodec.of(CreditFrame.class,
 *       (f, out) -&gt; out.string(f.partyId()).int32(f.credits()),
 *       in -&gt; new CreditFrame(in.string(), in.int32()));
 * </pre>
 * (Java evaluates a constructor's arguments from left to right: the reads happen in the written order.)
 */
public final class FrameCodec<T extends Record> {

    /** Writes a frame's components, in their order, each with one call. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(T frame, FrameWriter out);
    }

    /** Reads the components back in the same order and builds the frame. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(FrameReader in);
    }

    private static final String PREFIX = "dev.messagingnode.";

    private final Class<T> type;
    private final String name;
    private final Writer<T> writer;
    private final Reader<T> reader;

    private FrameCodec(Class<T> type, Writer<T> writer, Reader<T> reader) {
        this.type = type;
        this.name = type.getName().startsWith(PREFIX) ? type.getName().substring(PREFIX.length()) : type.getName();
        this.writer = writer;
        this.reader = reader;
    }

    public static <T extends Record> FrameCodec<T> of(Class<T> type, Writer<T> writer, Reader<T> reader) {
        return new FrameCodec<>(type, writer, reader);
    }

    public Class<T> type() {
        return type;
    }

    /** The name that identifies the type on the wire: the class name, without the project's package prefix. */
    String name() {
        return name;
    }

    void write(T frame, FrameWriter out) {
        writer.write(frame, out);
    }

    /** Builds the frame; what its constructor refuses is a frame this node cannot take. */
    T read(FrameReader in) {
        try {
            return reader.read(in);
        } catch (FrameReader.BadWireFrame e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot build a " + type.getSimpleName() + " from the wire: " + e, e);
        }
    }
}

package dev.messagingnode.durable;

import static dev.messagingnode.exchange.LogCommands.readString;
import static dev.messagingnode.exchange.LogCommands.writeString;

import dev.messagingnode.exchange.DurableState;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangePattern;
import dev.messagingnode.exchange.LogCommands;
import dev.messagingnode.exchange.Patterns;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.jgroups.raft.StateMachine;

/**
 * The replicated state machine of a replica set: every durable exchange of the set, its definition and its
 * {@link DurableState}, keyed by name. One Raft group carries all of them (one log, one snapshot, one leader), so
 * that fifty durable exchanges cost no more threads or files than one.
 *
 * <pre>
 *   command  := DEFINE name(str) pattern(str) options(str, JSON)
 *             | DELETE name(str)
 *             | EXCHANGE name(str) payload          (the exchange's own command, see its DurableState)
 *             | LEADER name-of-new-leader(str)      (a new leader's first command: in-flight deliveries end)
 *   entry    := crc32c(4) command           (checked at every start and every apply: a damaged log never applies)
 *   answer   := status(1) rest;  status := OK | NO_SUCH_EXCHANGE | CONFLICT (rest: UTF-8 detail)
 *   snapshot := length(4) crc32c(4) version(1) count(4) (name pattern options state)*
 * </pre>
 */
final class Ledger implements StateMachine {

    static final byte OK = 0;
    static final byte NO_SUCH_EXCHANGE = 1;
    static final byte CONFLICT = 2;
    private static final byte DEFINE = 1;
    private static final byte DELETE = 2;
    private static final byte EXCHANGE = 3;
    private static final byte LEADER = 4;
    private static final byte SNAPSHOT_VERSION = 1;

    /** Told, on the Raft thread, of every definition applied or removed (and of a snapshot's whole set). */
    interface Listener {
        void changed();
    }

    private record Held(ExchangeDefinition definition, DurableState state) {
    }

    private final Patterns patterns;
    private final Map<String, Held> exchanges = new TreeMap<>();
    private volatile Listener listener = () -> { };
    private volatile long snapshotWrittenAt;

    Ledger(Patterns patterns) {
        this.patterns = patterns;
    }

    void listener(Listener l) {
        this.listener = l;
    }

    @Override
    public byte[] apply(byte[] data, int offset, int length, boolean serializeResponse) throws Exception {
        if (!intact(data, offset, length)) {
            throw new IOException("a command of the durable log fails its checksum (" + length + " bytes): the log is"
                + " damaged");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, offset + 4, length - 4));
        byte type = in.readByte();
        byte[] answer;
        boolean definitions = false;
        synchronized (this) {
            switch (type) {
                case DEFINE -> {
                    ExchangeDefinition d = parse(readString(in), readString(in), readString(in));
                    Held existing = exchanges.get(d.name());
                    if (existing == null) {
                        ExchangePattern p = patterns.get(d.pattern());
                        exchanges.put(d.name(), new Held(d, p.newDurableState(d, p.validate(d))));
                        definitions = true;
                        answer = status(OK, "");
                    } else if (existing.definition().equals(d)) {
                        answer = status(OK, "");
                    } else {
                        answer = status(CONFLICT, "exchange '" + d.name() + "' exists as " + existing.definition()
                            .pattern() + " " + existing.definition().options() + "; asked for " + d.pattern() + " "
                            + d.options());
                    }
                }
                case DELETE -> {
                    definitions = exchanges.remove(readString(in)) != null;
                    answer = status(definitions ? OK : NO_SUCH_EXCHANGE, "");
                }
                case EXCHANGE -> {
                    String name = readString(in);
                    Held h = exchanges.get(name);
                    if (h == null) {
                        answer = status(NO_SUCH_EXCHANGE, "no durable exchange named '" + name + "'");
                    } else {
                        byte[] result = h.state().apply(in);
                        answer = result == null ? new byte[] {OK} : prefixed(result);
                    }
                }
                case LEADER -> {
                    readString(in);
                    for (Held h : exchanges.values()) {
                        h.state().leaderChanged();
                    }
                    answer = new byte[] {OK};
                }
                default -> throw new IOException("unknown ledger command " + type);
            }
        }
        if (definitions) {
            listener.changed();
        }
        return answer;
    }

    /** True when the entry's checksum matches its command. */
    static boolean intact(byte[] data, int offset, int length) {
        if (length < 5) {
            return false;
        }
        int stored = ((data[offset] & 0xff) << 24) | ((data[offset + 1] & 0xff) << 16)
            | ((data[offset + 2] & 0xff) << 8) | (data[offset + 3] & 0xff);
        return stored == crc(data, offset + 4, length - 4);
    }

    private static int crc(byte[] data, int offset, int length) {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(data, offset, length);
        return (int) c.getValue();
    }

    @Override
    public synchronized void writeContentTo(DataOutput target) throws Exception {
        byte[] content = LogCommands.command(this::writeState);
        target.writeInt(content.length);
        target.writeInt(crc(content, 0, content.length));
        target.write(content);
        snapshotWrittenAt = System.currentTimeMillis();
    }

    private void writeState(DataOutput out) throws IOException {
        out.writeByte(SNAPSHOT_VERSION);
        out.writeInt(exchanges.size());
        for (Held h : exchanges.values()) {
            writeString(out, h.definition().name());
            writeString(out, h.definition().pattern());
            writeString(out, new JsonObject(new TreeMap<>(h.definition().options())).encode());
            h.state().writeTo(out);
        }
    }

    @Override
    public void readContentFrom(DataInput source) throws Exception {
        int length = source.readInt();
        int stored = source.readInt();
        if (length < 0 || length > 1 << 30) {
            throw new IOException("the snapshot claims " + length + " bytes: it is damaged");
        }
        byte[] content = new byte[length];
        source.readFully(content);
        if (crc(content, 0, length) != stored) {
            throw new IOException("the snapshot fails its checksum: it is damaged");
        }
        DataInput in = new DataInputStream(new ByteArrayInputStream(content));
        synchronized (this) {
            byte version = in.readByte();
            if (version != SNAPSHOT_VERSION) {
                throw new IOException("the snapshot has version " + version + "; this node reads version "
                    + SNAPSHOT_VERSION);
            }
            exchanges.clear();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                ExchangeDefinition d = parse(readString(in), readString(in), readString(in));
                ExchangePattern p = patterns.get(d.pattern());
                exchanges.put(d.name(), new Held(d, p.readDurableState(d, p.validate(d), in)));
            }
        }
        listener.changed();
    }

    /** When this node last wrote a snapshot (0: not since it started). */
    long snapshotWrittenAt() {
        return snapshotWrittenAt;
    }

    synchronized List<ExchangeDefinition> definitions() {
        List<ExchangeDefinition> out = new ArrayList<>();
        for (Held h : exchanges.values()) {
            out.add(h.definition());
        }
        return out;
    }

    synchronized ExchangeDefinition definition(String name) {
        Held h = exchanges.get(name);
        return h == null ? null : h.definition();
    }

    synchronized <T> T read(String name, Function<DurableState, T> reader) {
        Held h = exchanges.get(name);
        return reader.apply(h == null ? null : h.state());
    }

    // Commands.

    static byte[] define(ExchangeDefinition d) {
        return command(out -> {
            out.writeByte(DEFINE);
            writeString(out, d.name());
            writeString(out, d.pattern());
            writeString(out, new JsonObject(new TreeMap<>(d.options())).encode());
        });
    }

    static byte[] delete(String name) {
        return command(out -> {
            out.writeByte(DELETE);
            writeString(out, name);
        });
    }

    static byte[] exchange(String name, byte[] payload) {
        return command(out -> {
            out.writeByte(EXCHANGE);
            writeString(out, name);
            out.write(payload);
        });
    }

    static byte[] leader(String node) {
        return command(out -> {
            out.writeByte(LEADER);
            writeString(out, node);
        });
    }

    static String detail(byte[] answer) {
        return new String(answer, 1, answer.length - 1, StandardCharsets.UTF_8);
    }

    private static ExchangeDefinition parse(String name, String pattern, String options) {
        Map<String, String> o = new TreeMap<>();
        new JsonObject(options).forEach(e -> o.put(e.getKey(), String.valueOf(e.getValue())));
        return new ExchangeDefinition(name, pattern, o);
    }

    private static byte[] status(byte status, String detail) {
        byte[] d = detail.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[1 + d.length];
        b[0] = status;
        System.arraycopy(d, 0, b, 1, d.length);
        return b;
    }

    private static byte[] prefixed(byte[] result) {
        byte[] b = new byte[1 + result.length];
        System.arraycopy(result, 0, b, 1, result.length);
        return b;
    }

    /** A command with its checksum in front. */
    private static byte[] command(LogCommands.Writer w) {
        byte[] b = LogCommands.command(out -> {
            out.writeInt(0); // the checksum, below
            w.write(out);
        });
        int c = crc(b, 4, b.length - 4);
        b[0] = (byte) (c >>> 24);
        b[1] = (byte) (c >>> 16);
        b[2] = (byte) (c >>> 8);
        b[3] = (byte) c;
        return b;
    }
}

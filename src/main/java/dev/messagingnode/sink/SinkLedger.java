package dev.messagingnode.sink;

import static dev.messagingnode.exchange.LogCommands.command;
import static dev.messagingnode.exchange.LogCommands.readBytes;
import static dev.messagingnode.exchange.LogCommands.readMap;
import static dev.messagingnode.exchange.LogCommands.readString;
import static dev.messagingnode.exchange.LogCommands.writeBytes;
import static dev.messagingnode.exchange.LogCommands.writeMap;
import static dev.messagingnode.exchange.LogCommands.writeString;

import dev.messagingnode.exchange.DurableState;
import dev.messagingnode.exchange.Envelope;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a durable sink owes, as every replica holds it: the messages accepted and not yet acknowledged by a
 * consumer, in the order they were accepted, each with a sequence number from the log (so unique for the life of
 * the exchange). Which consumer holds which batch is not logged: a new leader hands every message still here to
 * its active consumer again, in order (at-least-once).
 *
 * <pre>
 *   command := SENT tag(str) body(bytes) headers      answer: seq(8), dropped seq(8) (0: none), 0 seq: refused
 *            | ACKED seq(8)*                          the messages of one batch
 * </pre>
 *
 * {@code buffer-size} bounds every message owed here (waiting and delivered but not yet acknowledged); the
 * overflow policy is applied by {@link #apply}, so every replica drops the same message: {@code drop-oldest} the
 * oldest one owed, {@code drop-newest} the new one (it is answered, counted, and not kept).
 */
final class SinkLedger implements DurableState {

    private static final byte SENT = 1;
    private static final byte ACKED = 2;
    private static final byte SNAPSHOT_VERSION = 1;

    private final String exchange;
    private final int bufferSize;
    private final SinkOptions.Overflow overflow;
    private final Map<Long, Envelope> owed = new LinkedHashMap<>();
    private long nextSeq = 1;
    private long dropped;

    SinkLedger(String exchange, SinkOptions options) {
        this.exchange = exchange;
        this.bufferSize = options.bufferSize();
        this.overflow = options.overflow();
    }

    @Override
    public byte[] apply(DataInput in) throws IOException {
        byte type = in.readByte();
        switch (type) {
            case SENT -> {
                String tag = readString(in);
                byte[] body = readBytes(in);
                Map<String, String> headers = readMap(in);
                long droppedSeq = 0;
                if (owed.size() >= bufferSize) {
                    dropped++;
                    if (overflow == SinkOptions.Overflow.DROP_NEWEST) {
                        return answer(0, 0);
                    }
                    Iterator<Long> oldest = owed.keySet().iterator();
                    droppedSeq = oldest.next();
                    oldest.remove();
                }
                long seq = nextSeq++;
                owed.put(seq, new Envelope(exchange, tag, Buffer.buffer(body), headers));
                return answer(seq, droppedSeq);
            }
            case ACKED -> {
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    owed.remove(in.readLong());
                }
                return null;
            }
            default -> throw new IOException("exchange '" + exchange + "': unknown sink command " + type);
        }
    }

    /** Nothing is held by a consumer in the log, so nothing to give back: the new leader sends all it owes. */
    @Override
    public void leaderChanged() {
    }

    /** Every message owed, oldest first, and the count dropped so far: what a new leader's verticle starts with. */
    Owing owing() {
        List<Owed> out = new ArrayList<>(owed.size());
        owed.forEach((seq, e) -> out.add(new Owed(seq, e)));
        return new Owing(out, dropped);
    }

    record Owing(List<Owed> messages, long dropped) {
    }

    int size() {
        return owed.size();
    }

    record Owed(long seq, Envelope envelope) {
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(SNAPSHOT_VERSION);
        out.writeLong(nextSeq);
        out.writeLong(dropped);
        out.writeInt(owed.size());
        for (Map.Entry<Long, Envelope> e : owed.entrySet()) {
            out.writeLong(e.getKey());
            writeString(out, e.getValue().tag());
            writeBytes(out, e.getValue().message().getBytes());
            writeMap(out, e.getValue().headers());
        }
    }

    static SinkLedger read(String exchange, SinkOptions options, DataInput in) throws IOException {
        byte version = in.readByte();
        if (version != SNAPSHOT_VERSION) {
            throw new IOException("exchange '" + exchange + "': snapshot of sink version " + version
                + " is not one this node reads (" + SNAPSHOT_VERSION + ")");
        }
        SinkLedger ledger = new SinkLedger(exchange, options);
        ledger.nextSeq = in.readLong();
        ledger.dropped = in.readLong();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            long seq = in.readLong();
            String tag = readString(in);
            byte[] body = readBytes(in);
            Map<String, String> headers = readMap(in);
            ledger.owed.put(seq, new Envelope(exchange, tag, Buffer.buffer(body), headers));
        }
        return ledger;
    }

    // The leader's commands.

    static byte[] sent(Envelope envelope) {
        return command(out -> {
            out.writeByte(SENT);
            writeString(out, envelope.tag());
            writeBytes(out, envelope.message().getBytes());
            writeMap(out, envelope.headers());
        });
    }

    static byte[] acked(List<Long> seqs) {
        return command(out -> {
            out.writeByte(ACKED);
            out.writeInt(seqs.size());
            for (long seq : seqs) {
                out.writeLong(seq);
            }
        });
    }

    /** What {@link #apply} answered to a SENT: the message's seq (0 when dropped) and the seq it pushed out. */
    record Sent(long seq, long droppedSeq) {
        static Sent of(byte[] answer) throws IOException {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(answer));
            return new Sent(in.readLong(), in.readLong());
        }
    }

    private static byte[] answer(long seq, long droppedSeq) {
        return command(out -> {
            out.writeLong(seq);
            out.writeLong(droppedSeq);
        });
    }
}

package dev.messagingnode.tasks;

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
import io.vertx.core.json.JsonArray;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a durable tasks exchange owes, as every replica holds it: each accepted task with its deliveries so far,
 * changed only by the leader's log commands. Task ids come from here, in log order, so they are unique for the life
 * of the exchange whichever replica leads.
 *
 * <pre>
 *   command   := ENQUEUE priority(4) tag(str) body(bytes) headers
 *              | DELIVERED id(8) attempt(4) worker(str) atMillis(8)
 *              | ACKED id(8)
 *              | RETURNED id(8) attempt(4) outcome(str) notBeforeMillis(8)
 *              | DEAD id(8) reason(str)
 *   (str, bytes, headers: see LogCommands)
 * </pre>
 *
 * A command about a task that is no longer here (acked twice, say) changes nothing: commands are applied whatever
 * happened in between, and a replica never fails on one.
 */
final class TaskLedger implements DurableState {

    private static final byte ENQUEUE = 1;
    private static final byte DELIVERED = 2;
    private static final byte ACKED = 3;
    private static final byte RETURNED = 4;
    private static final byte DEAD = 5;
    private static final byte SNAPSHOT_VERSION = 1;

    private final String exchange;
    private long nextId = 1;
    private final Map<Long, PendingTask> tasks = new LinkedHashMap<>();

    TaskLedger(String exchange) {
        this.exchange = exchange;
    }

    @Override
    public byte[] apply(DataInput in) throws IOException {
        byte type = in.readByte();
        switch (type) {
            case ENQUEUE -> {
                int priority = in.readInt();
                String tag = readString(in);
                byte[] body = readBytes(in);
                Map<String, String> headers = readMap(in);
                long id = nextId++;
                tasks.put(id, new PendingTask(id, new Envelope(exchange, tag, Buffer.buffer(body), headers), priority));
                return longBytes(id);
            }
            case DELIVERED -> {
                PendingTask t = tasks.get(in.readLong());
                int attempt = in.readInt();
                String worker = readString(in);
                long at = in.readLong();
                if (t != null && attempt == t.deliveries + 1) {
                    t.delivered(worker, at);
                    t.notBeforeMillis = 0;
                }
                return null;
            }
            case ACKED -> {
                return new byte[] {(byte) (tasks.remove(in.readLong()) != null ? 1 : 0)};
            }
            case RETURNED -> {
                PendingTask t = tasks.get(in.readLong());
                int attempt = in.readInt();
                String outcome = readString(in);
                long notBefore = in.readLong();
                if (t != null && t.holder != null && attempt == t.deliveries) {
                    t.ended(outcome);
                    t.notBeforeMillis = notBefore;
                }
                return null;
            }
            case DEAD -> {
                tasks.remove(in.readLong());
                readString(in);
                return null;
            }
            default -> throw new IOException("exchange '" + exchange + "': unknown task command " + type);
        }
    }

    /** Deliveries in flight at a leader change are given back: their workers' acks went to the old leader. */
    @Override
    public void leaderChanged() {
        for (PendingTask t : tasks.values()) {
            if (t.holder != null) {
                t.ended("leader-change");
            }
        }
    }

    /** Copies of every task owed, oldest first, for a new leader's verticle. */
    List<PendingTask> owed() {
        List<PendingTask> out = new ArrayList<>(tasks.size());
        for (PendingTask t : tasks.values()) {
            out.add(t.copy());
        }
        return out;
    }

    int size() {
        return tasks.size();
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeByte(SNAPSHOT_VERSION);
        out.writeLong(nextId);
        out.writeInt(tasks.size());
        for (PendingTask t : tasks.values()) {
            out.writeLong(t.id);
            out.writeInt(t.priority);
            writeString(out, t.envelope.tag());
            writeBytes(out, t.envelope.message().getBytes());
            writeMap(out, t.envelope.headers());
            out.writeInt(t.deliveries);
            writeString(out, t.holder);
            writeString(out, t.lastWorker);
            out.writeLong(t.notBeforeMillis);
            writeString(out, t.history.encode());
        }
    }

    static TaskLedger read(String exchange, DataInput in) throws IOException {
        byte version = in.readByte();
        if (version != SNAPSHOT_VERSION) {
            throw new IOException("exchange '" + exchange + "': snapshot of tasks version " + version
                + " is not one this node reads (" + SNAPSHOT_VERSION + ")");
        }
        TaskLedger ledger = new TaskLedger(exchange);
        ledger.nextId = in.readLong();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            long id = in.readLong();
            int priority = in.readInt();
            String tag = readString(in);
            byte[] body = readBytes(in);
            Map<String, String> headers = readMap(in);
            PendingTask t = new PendingTask(id, new Envelope(exchange, tag, Buffer.buffer(body), headers), priority);
            t.deliveries = in.readInt();
            t.holder = readString(in);
            t.lastWorker = readString(in);
            t.notBeforeMillis = in.readLong();
            t.history.addAll(new JsonArray(readString(in)));
            ledger.tasks.put(id, t);
        }
        return ledger;
    }

    // The leader's commands.

    static byte[] enqueue(Envelope envelope, int priority) {
        return command(out -> {
            out.writeByte(ENQUEUE);
            out.writeInt(priority);
            writeString(out, envelope.tag());
            writeBytes(out, envelope.message().getBytes());
            writeMap(out, envelope.headers());
        });
    }

    static byte[] delivered(long id, int attempt, String worker, long atMillis) {
        return command(out -> {
            out.writeByte(DELIVERED);
            out.writeLong(id);
            out.writeInt(attempt);
            writeString(out, worker);
            out.writeLong(atMillis);
        });
    }

    static byte[] acked(long id) {
        return command(out -> {
            out.writeByte(ACKED);
            out.writeLong(id);
        });
    }

    static byte[] returned(long id, int attempt, String outcome, long notBeforeMillis) {
        return command(out -> {
            out.writeByte(RETURNED);
            out.writeLong(id);
            out.writeInt(attempt);
            writeString(out, outcome);
            out.writeLong(notBeforeMillis);
        });
    }

    static byte[] dead(long id, String reason) {
        return command(out -> {
            out.writeByte(DEAD);
            out.writeLong(id);
            writeString(out, reason);
        });
    }

    static long idOf(byte[] answer) {
        long id = 0;
        for (int i = 0; i < 8; i++) {
            id = (id << 8) | (answer[i] & 0xff);
        }
        return id;
    }

    private static byte[] longBytes(long v) {
        return command(out -> out.writeLong(v));
    }
}

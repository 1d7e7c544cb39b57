package dev.messagingnode.remoteclient;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * One TCP connection to the node in the binary framing, with a reader thread. Writes combine: a caller queues its
 * frame and, when no other caller is writing, writes every queued frame itself and flushes once for all of them; a
 * caller that finds another one writing leaves its frame to that one. So a lone request goes out on its caller's
 * thread with no hand-off (the latency of one in flight), and 64 in flight cost the kernel one write per batch. The
 * queue is bounded: a caller that outruns the socket waits in {@link #send}.
 *
 * <p>What a handler sends on the reader thread (a service's reply, the next request of a window, an ack) is queued
 * and written once the reader has handled every whole frame it holds, before it waits for more: one write for the
 * answers to a batch of frames read together, as the node's event loop flushes once per turn. Flushing each on its
 * own was a write system call per reply or request (a fifth of the client's CPU under RPC with 64 in flight).
 * Fire-and-forget frames from other threads ({@link #sendBehind}: a publish without confirm) are written by the
 * link's writer thread, started with the first of them: a publisher in a loop queues while the writer writes, and
 * the writer takes everything queued at once, as NATS's client does; the caller never makes the system call.
 */
final class Link {

    interface Listener {
        /** A frame from the node, on the reader thread. */
        void frame(Link link, Map<String, Object> frame);

        /** The connection is gone (once per link). */
        void lost(Link link, Throwable cause);
    }

    private static final int CONNECT_TIMEOUT_MS = 5000;

    private final Socket socket;
    private final FrameInput buffered;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final BlockingQueue<Map<String, Object>> writes;
    private final Listener listener;
    private final int maxFrameBytes;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.concurrent.locks.ReentrantLock writing = new java.util.concurrent.locks.ReentrantLock();
    /** The header writer of the frames this link sends, used by whoever holds {@link #writing}. */
    private final Json.Writer header = new Json.Writer();
    /** Set while frames of {@link #sendBehind} wait for the writer thread. */
    private final AtomicBoolean behind = new AtomicBoolean();
    private volatile Thread reader;
    /** The writer of {@link #sendBehind}'s frames, started with the first. */
    private Thread writer;
    /** Frames the reader thread queued and has not written yet (read and written on the reader thread only). */
    private boolean readerOwesWrite;

    private Link(Socket socket, int writeQueue, int maxFrameBytes, Listener listener) throws IOException {
        this.socket = socket;
        this.buffered = new FrameInput(socket.getInputStream(), 64 * 1024);
        this.in = new DataInputStream(buffered);
        this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
        this.writes = new ArrayBlockingQueue<>(writeQueue);
        this.maxFrameBytes = maxFrameBytes;
        this.listener = listener;
    }

    /** Connects, agrees on the binary framing, and starts reading and writing. */
    static Link open(RemoteClientOptions options, Listener listener) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(new InetSocketAddress(options.host(), options.port()), CONNECT_TIMEOUT_MS);
            Link link = new Link(socket, options.writeQueueFrames(), options.maxFrameBytes(), listener);
            link.out.write(BinaryFrames.preface());
            link.out.flush();
            socket.setSoTimeout(CONNECT_TIMEOUT_MS);
            int version = BinaryFrames.readPreface(link.in);
            if (version != BinaryFrames.VERSION) {
                throw new IOException("the node offers binary framing version " + version + "; this client speaks "
                    + BinaryFrames.VERSION);
            }
            socket.setSoTimeout(0);
            link.start(options.host() + ":" + options.port());
            return link;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void start(String name) {
        Thread thread = new Thread(this::read, "messaging-client-read-" + name);
        thread.setDaemon(true);
        reader = thread;
        thread.start();
    }

    /**
     * Queues a frame that nobody waits on, for the writer thread to write soon with whatever else is queued (at once
     * when it is idle); false when the link is closed. On the reader thread, as {@link #send}.
     */
    boolean sendBehind(Map<String, Object> frame) {
        if (closed.get()) {
            return false;
        }
        if (Thread.currentThread() == reader || !writes.offer(frame)) {
            return send(frame); // the reader writes its own; a full queue makes the caller wait, as in send
        }
        if (behind.compareAndSet(false, true)) {
            LockSupport.unpark(writer());
        }
        return true;
    }

    private synchronized Thread writer() {
        if (writer == null) {
            writer = new Thread(this::writeBehind, reader.getName().replace("-read-", "-write-"));
            writer.setDaemon(true);
            writer.start();
        }
        return writer;
    }

    private void writeBehind() {
        while (!closed.get()) {
            if (behind.compareAndSet(true, false)) {
                drain(); // a frame queued from here on sets behind again, and is written by the next round
            } else {
                LockSupport.park(this);
            }
        }
    }

    /** Queues a frame (waiting while the queue is full); false when the link is closed. */
    boolean send(Map<String, Object> frame) {
        if (closed.get()) {
            return false;
        }
        if (Thread.currentThread() == reader && writes.offer(frame)) {
            readerOwesWrite = true; // written by read() before it waits for the node
            return true;
        }
        try {
            while (!writes.offer(frame, 100, TimeUnit.MILLISECONDS)) {
                if (closed.get()) {
                    return false;
                }
                drain(); // full: whoever holds the lock is writing; help once it is free
            }
            drain();
            return !closed.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    boolean isClosed() {
        return closed.get();
    }

    void close() {
        fail(null);
    }

    private void read() {
        try {
            while (!closed.get()) {
                if (readerOwesWrite && !buffered.holdsWholeFrame()) {
                    readerOwesWrite = false;
                    drain(); // before the next read may wait on the socket
                }
                listener.frame(this, BinaryFrames.read(in, maxFrameBytes));
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    /** Writes what is queued, if no one else is writing; again when a frame came in as the lock was let go. */
    private void drain() {
        List<Map<String, Object>> batch = null;
        while (!writes.isEmpty() && writing.tryLock()) {
            try {
                batch = batch == null ? new ArrayList<>() : batch;
                writes.drainTo(batch);
                for (Map<String, Object> frame : batch) {
                    BinaryFrames.write(frame, out, header);
                }
                batch.clear();
                out.flush();
            } catch (IOException | RuntimeException e) {
                fail(e);
                return;
            } finally {
                writing.unlock();
            }
        }
    }

    /** The socket's input, buffered, telling whether its buffer holds a whole frame (so reading one will not wait). */
    private static final class FrameInput extends BufferedInputStream {
        FrameInput(java.io.InputStream in, int size) {
            super(in, size);
        }

        boolean holdsWholeFrame() {
            int held = count - pos;
            if (held < 4) {
                return false;
            }
            long length = ((buf[pos] & 0xffL) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
                | (buf[pos + 3] & 0xff);
            return held - 4 >= length;
        }
    }

    private void fail(Throwable cause) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        writes.clear();
        Thread w;
        synchronized (this) {
            w = writer;
        }
        if (w != null) {
            LockSupport.unpark(w); // it sees the link closed and ends
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        listener.lost(this, cause);
    }
}

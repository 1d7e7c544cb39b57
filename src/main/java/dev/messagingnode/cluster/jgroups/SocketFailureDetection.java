package dev.messagingnode.cluster.jgroups;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FD_SOCK2;

/**
 * FD_SOCK2 whose connects to its neighbour run on a thread of their own.
 *
 * <p>On a view change FD_SOCK2 connects to its new neighbour's failure-detection port and waits for the answer, up
 * to its connect timeout (a second), on the thread that installed the view. Here that is the transport's reader of
 * every cluster connection (the transport hands what it reads up on its own thread, see {@code JGroupsCluster}): while
 * the connect waited, nothing from any member was read, heartbeats and VERIFY_SUSPECT2's answers included, so one
 * neighbour that did not answer (a cut link, a port a firewall drops) was a second in which this node looked dead to
 * the others. The work FD_SOCK2 queues (connect to the next neighbour, close the connection to it) now runs on one
 * thread, in the order queued, as its own queue would run it.
 *
 * <p>Its server reads messages of at most {@link #MAX_MESSAGE_BYTES}; FD_SOCK2 sets no bound.
 *
 * <p>It keeps FD_SOCK2's protocol id, so its headers are FD_SOCK2's to every member, of this release or another.
 */
final class SocketFailureDetection extends FD_SOCK2 {

    /** The longest message its server reads from a connection. */
    static final int MAX_MESSAGE_BYTES = 64 * 1024;

    private volatile ExecutorService connector;

    SocketFailureDetection() {
        setId(ClassConfigurator.getProtocolId(FD_SOCK2.class));
    }

    @Override
    public void start() throws Exception {
        connector = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fd-sock2-connect");
            t.setDaemon(true);
            return t;
        });
        super.start();
        // Its server reads a length, then that many bytes, with no bound by default: a stranger's 2 GiB length on
        // this port had it allocate 2 GiB. Its own messages (CONNECT, CONNECT-RSP: a header, a cluster name, an
        // address) take a few hundred bytes; a longer one closes its connection, as on the transport's port.
        srv.setMaxLength(MAX_MESSAGE_BYTES);
    }

    @Override
    public void stop() {
        super.stop();
        ExecutorService c = connector;
        if (c != null) {
            c.shutdownNow();
        }
    }

    @Override
    public void handle(@SuppressWarnings("ClassEscapesDefinedScope") Request req) {
        ExecutorService c = connector;
        if (c == null) {
            return; // not started: nothing to connect to yet
        }
        try {
            c.execute(() -> {
                try {
                    super.handle(req);
                } catch (Exception e) {
                    log.warn("%s: failure detection could not handle %s: %s", local_addr, req, e);
                }
            });
        } catch (RejectedExecutionException stopped) {
            // stopping: FD_SOCK2 drops its neighbour anyway
        }
    }
}

package dev.messagingnode.remoteclient;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A subscription or a party (service, worker, consumer) of this client. It outlives the connection: after a
 * reconnect the client opens it again on the new connection (a new id on the node), so a program registers once.
 * Pushes for it come on an address of its own, {@code messaging.client.<n>}, registered on each connection.
 */
public final class RemoteRegistration {

    private final RemoteClient client;
    private final String address;
    private final String operation;
    private final Map<String, Object> request;
    private final Consumer<Map<String, Object>> pushes;
    private final String idField;
    private final CompletableFuture<Void> attached = new CompletableFuture<>();
    private volatile String id;
    private volatile boolean closed;

    RemoteRegistration(RemoteClient client, String address, String operation, Map<String, Object> request,
                       String idField, Consumer<Map<String, Object>> pushes) {
        this.client = client;
        this.address = address;
        this.operation = operation;
        this.request = request;
        this.idField = idField;
        this.pushes = pushes;
    }

    /** Completes when the node first confirmed it; fails with the node's refusal (no such exchange, ...). */
    public CompletableFuture<Void> attached() {
        return attached;
    }

    /** The node's id of it on the current connection, or null while it is not open there. */
    public String id() {
        return id;
    }

    public String exchange() {
        return String.valueOf(request.get("exchange"));
    }

    /** Closes it on the node (a party's held items go back at once) and stops reopening it. */
    public CompletableFuture<Void> close() {
        closed = true;
        return client.close(this);
    }

    boolean isClosed() {
        return closed;
    }

    String address() {
        return address;
    }

    String operation() {
        return operation;
    }

    /** What closes it on the node: {@code unsubscribe} / {@code unregister} with its id. */
    String closeOperation() {
        return "subscribe".equals(operation) ? "unsubscribe" : "unregister";
    }

    String idField() {
        return idField;
    }

    Map<String, Object> request() {
        return request;
    }

    void opened(String id) {
        this.id = id;
        attached.complete(null);
    }

    void refused(Throwable t) {
        if (!attached.isDone()) {
            attached.completeExceptionally(t);
            closed = true;
        }
    }

    void lost() {
        this.id = null;
    }

    void push(Map<String, Object> body) {
        pushes.accept(body);
    }
}

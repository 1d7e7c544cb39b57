package dev.messagingnode.remote;

/** Where a remote party's work items go: a long-poll inbox (HTTP) or a bridge client's address (push). */
public interface Outlet {

    /** Hands over a new item; it stays held by its party until settled or abandoned. */
    void offer(RemoteParty party, WorkItem item);

    /** The party closed (unregistered, lease expired, connection gone): nothing more will be offered. */
    default void closed(RemoteParty party, String why) {
    }
}

/**
 * Parties held on behalf of programs outside the node: an HTTP program or a bridge client that serves requests,
 * works tasks or consumes a sink. The node registers a Java party for it, holds each unit of work as a
 * {@link dev.messagingnode.remote.WorkItem} until the remote program settles it, and gives everything back (requests
 * failed, tasks nacked for redelivery, sink batches unacknowledged) when the remote program goes away.
 */
package dev.messagingnode.remote;

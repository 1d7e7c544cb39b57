/**
 * The event bus bridges (TCP and SockJS): the stock Vert.x bridge protocol, served by the node itself so that every
 * frame, connection and write is bounded ({@link dev.messagingnode.bridge.BridgeProtocol},
 * {@link dev.messagingnode.bridge.BridgeConnection}), and the JSON API it carries: addresses under
 * {@code messaging.api.} that clients send to, and addresses under {@code messaging.client.} that a connection
 * registers, for itself alone, to receive pushes (deliveries, work items, chunks). README's bridge table is the
 * contract.
 */
package dev.messagingnode.bridge;

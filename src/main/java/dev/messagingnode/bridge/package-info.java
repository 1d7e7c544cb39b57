/**
 * The stock Vert.x event bus bridges (TCP and SockJS) and the JSON API they carry: addresses under
 * {@code messaging.api.} that clients send to, and addresses under {@code messaging.client.} that clients register to
 * receive pushes (deliveries, work items, chunks). README's bridge table is the contract.
 */
package dev.messagingnode.bridge;

/**
 * The HTTP API: exchanges, every client operation, and remote services/workers/consumers that poll for work. Routes
 * run on the event loop (Quarkus reactive routes) so that streams, SSE and long polls hold no thread; every error is
 * {@code application/problem+json} ({@link dev.messagingnode.http.Problems}).
 */
package dev.messagingnode.http;

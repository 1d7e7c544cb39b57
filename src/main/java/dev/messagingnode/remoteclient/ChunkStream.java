package dev.messagingnode.remoteclient;

import dev.messagingnode.exchange.Failure;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The chunks of one streamed reply, in order: handed to the request's chunk handler, or collected up to a bound
 * (past it the stream fails TOO_LARGE and the rest is let go). Fed on the client's callback thread.
 */
final class ChunkStream {

    private final Consumer<byte[]> handler;
    private final long maxCollected;
    private final List<byte[]> chunks = new ArrayList<>();
    private final CompletableFuture<Long> end = new CompletableFuture<>();
    private final CompletableFuture<List<byte[]>> collected = new CompletableFuture<>();
    private long collectedBytes;
    private long count;

    ChunkStream(Consumer<byte[]> handler, long maxCollected) {
        this.handler = handler;
        this.maxCollected = maxCollected;
        end.whenComplete((n, t) -> {
            if (t != null) {
                collected.completeExceptionally(t);
            } else {
                collected.complete(chunks);
            }
        });
    }

    void chunk(byte[] chunk) {
        if (end.isDone()) {
            return;
        }
        count++;
        if (handler != null) {
            handler.accept(chunk);
            return;
        }
        collectedBytes += chunk.length;
        if (collectedBytes > maxCollected) {
            chunks.clear();
            end.completeExceptionally(new RemoteException(Failure.TOO_LARGE, "the streamed reply is over "
                + maxCollected + " bytes (RemoteClientOptions.maxCollectedBytes); give the request a chunk handler"));
            return;
        }
        chunks.add(chunk);
    }

    void ended() {
        end.complete(count);
    }

    void failed(RemoteException e) {
        end.completeExceptionally(e);
    }

    CompletableFuture<Long> end() {
        return end;
    }

    CompletableFuture<List<byte[]>> collected() {
        return collected;
    }
}

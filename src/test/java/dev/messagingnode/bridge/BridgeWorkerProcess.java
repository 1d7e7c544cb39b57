package dev.messagingnode.bridge;

import io.vertx.core.json.JsonObject;

/**
 * A bridge worker in a process of its own, so that a test can kill it with SIGKILL while it holds a task: it
 * registers on the exchange, prints {@code HOLDING <taskId>} when a task arrives and then never acks it.
 * Usage: {@code BridgeWorkerProcess <port> <exchange>}.
 */
public final class BridgeWorkerProcess {

    private BridgeWorkerProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (BridgeSocket s = new BridgeSocket(Integer.parseInt(args[0]))) {
            s.socket().setSoTimeout(60_000);
            s.register("messaging.client.worker");
            s.send("messaging.api.register", "r1", new JsonObject().put("exchange", args[1]).put("role", "worker")
                .put("prefetch", 1).put("replyTo", "messaging.client.worker"));
            JsonObject task = s.readUntil(f -> "task".equals(f.getJsonObject("body", new JsonObject())
                .getString("kind"))).getJsonObject("body");
            System.out.println("HOLDING " + task.getLong("taskId"));
            System.out.flush();
            while (true) {
                s.write(new JsonObject().put("type", "ping"));
                s.read();
                Thread.sleep(500);
            }
        }
    }
}

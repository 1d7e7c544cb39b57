package dev.messagingnode.process;

import dev.messagingnode.remoteclient.RemoteClient;
import dev.messagingnode.remoteclient.RemoteClientOptions;
import dev.messagingnode.remoteclient.RemoteDelivery;
import dev.messagingnode.remoteclient.RemoteException;
import dev.messagingnode.remoteclient.RemoteRegistration;
import dev.messagingnode.remoteclient.RemoteReply;
import dev.messagingnode.remoteclient.RemoteWork;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A program outside the node that uses nothing but the client jar and the JDK ({@link RemoteClientIT} runs it with
 * exactly that classpath): every pattern against the embedded default's demo exchanges, one line of output each.
 */
public final class RemoteClientProgram {

    private RemoteClientProgram() {
    }

    public static void main(String[] args) throws Exception {
        try (RemoteClient client = RemoteClient.connect(RemoteClientOptions.of(args[0], Integer.parseInt(args[1])))) {
            System.out.println("echo=" + client.request("demo-echo", utf8("hello")).get(10, TimeUnit.SECONDS).text());

            RemoteReply count = client.request("demo-count", utf8("5")).get(10, TimeUnit.SECONDS);
            List<byte[]> chunks = count.chunks().get(10, TimeUnit.SECONDS);
            System.out.println("count=" + count.kind() + " " + chunks.size() + " last=" + text(chunks.get(4)));

            RemoteReply question = client.request("demo-greeter", utf8("hi")).get(10, TimeUnit.SECONDS);
            System.out.println("greeter=" + question.text() + " / "
                + question.answer(utf8("Ada")).get(10, TimeUnit.SECONDS).text());

            List<RemoteDelivery> events = new CopyOnWriteArrayList<>();
            CountDownLatch two = new CountDownLatch(2);
            RemoteRegistration sub = client.subscribe("demo-events", "orders.*", d -> {
                events.add(d);
                two.countDown();
            });
            sub.attached().get(10, TimeUnit.SECONDS);
            int matched = client.publish("demo-events", "orders.eu", utf8("confirmed")).get(10, TimeUnit.SECONDS);
            client.publishAndForget("demo-events", "orders.us", utf8("forgotten"));
            two.await(10, TimeUnit.SECONDS);
            System.out.println("pubsub=" + matched + " " + events.stream().map(RemoteDelivery::text).toList());

            CountDownLatch logged = new CountDownLatch(1);
            List<String> logs = new CopyOnWriteArrayList<>();
            RemoteRegistration consumer = client.consume("demo-logs", (RemoteWork batch) -> {
                batch.messages().forEach(m -> logs.add(m.text()));
                batch.ack();
                logged.countDown();
            });
            consumer.attached().get(10, TimeUnit.SECONDS);
            client.send("demo-logs", utf8("a log line")).get(10, TimeUnit.SECONDS);
            logged.await(10, TimeUnit.SECONDS);
            System.out.println("sink=" + logs);

            CountDownLatch worked = new CountDownLatch(1);
            List<String> tasks = new CopyOnWriteArrayList<>();
            RemoteRegistration worker = client.work("demo-jobs", 1, task -> {
                tasks.add(task.text() + "@" + task.priority());
                task.ack();
                worked.countDown();
            });
            worker.attached().get(10, TimeUnit.SECONDS);
            long id = client.enqueue("demo-jobs", utf8("job"), 7).get(10, TimeUnit.SECONDS);
            worked.await(10, TimeUnit.SECONDS);
            System.out.println("tasks=" + (id > 0) + " " + tasks);

            try {
                client.request("no-such-exchange", utf8("x")).get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                RemoteException r = (RemoteException) e.getCause();
                System.out.println("refused=" + r.code() + " " + r.failure());
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}

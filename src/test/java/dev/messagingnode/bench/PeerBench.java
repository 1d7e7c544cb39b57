package dev.messagingnode.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The same workloads as the bench command, on RabbitMQ (amqp-client) and NATS (jnats), each with its standard client
 * and the idiomatic way to do the pattern there: W1 RPC (RabbitMQ direct reply-to; NATS request/reply), W2 pub-sub
 * (RabbitMQ topic exchange and one queue per subscriber; NATS subjects), W3 tasks (RabbitMQ classic queue, manual
 * acks, prefetch; NATS JetStream work-queue stream in memory, explicit ack, MaxAckPending), W4 chunked (RabbitMQ
 * 1 MiB messages through a queue with a window of 8 unacked; NATS 1 MiB messages on a subject). Bounded in time.
 *
 * <pre>PeerBench rabbitmq|nats rpc|pubsub|tasks|chunked --port=... [same options as Bench]</pre>
 */
public final class PeerBench {

    private final Map<String, String> options;
    private final Measurement measurement;
    private final long runMs;
    private final List<AutoCloseable> closers = new ArrayList<>();

    private PeerBench(Map<String, String> options) {
        this.options = options;
        this.runMs = ms("duration", "5s");
        this.measurement = new Measurement(ms("warmup", "2s"), runMs);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 2; i < args.length; i++) {
            options.put(args[i].substring(2, args[i].indexOf('=')), args[i].substring(args[i].indexOf('=') + 1));
        }
        PeerBench bench = new PeerBench(options);
        if (options.containsKey("quiet")) {
            bench.measurement.quiet();
        }
        String peer = args[0];
        String workload = args[1];
        switch (peer + " " + workload) {
            case "rabbitmq rpc" -> bench.rabbitRpc();
            case "rabbitmq pubsub" -> bench.rabbitPubSub();
            case "rabbitmq tasks" -> bench.rabbitTasks();
            case "rabbitmq chunked" -> bench.rabbitChunked();
            case "nats rpc" -> bench.natsRpc();
            case "nats pubsub" -> bench.natsPubSub();
            case "nats tasks" -> bench.natsTasks();
            case "nats chunked" -> bench.natsChunked();
            default -> throw new IllegalArgumentException("unknown " + peer + " " + workload);
        }
        bench.measurement.awaitEnd(peer + " " + workload);
        Thread.sleep(200);
        JsonObject result = bench.measurement.result(workload, bench.runMs, new JsonObject(new HashMap<>(options))
            .put("peer", peer));
        for (AutoCloseable c : new ArrayList<>(bench.closers)) {
            try {
                c.close();
            } catch (Exception ignored) {
                // the run is over
            }
        }
        System.out.println(Bench.format(result, options.getOrDefault("format", "text")));
        System.exit(0);
    }

    // ---- RabbitMQ ---------------------------------------------------------------------------------------------

    /** A connection of a client side (requester, publisher, producer): to {@code --port}. */
    private Connection rabbit() throws Exception {
        return rabbit(number("port", 5672));
    }

    /**
     * A connection of a serving side (responder, subscriber, worker, receiver of chunks), which also declares the
     * queues, so that they live on its node: to {@code --service-port} when given, a node of the same cluster as
     * {@code --port}'s (every message then crosses between the two, as the node's two-node rows cross its routes);
     * else to {@code --port}.
     */
    private Connection rabbitServing() throws Exception {
        return rabbit(number("service-port", number("port", 5672)));
    }

    private Connection rabbit(int port) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(options.getOrDefault("host", "127.0.0.1"));
        f.setPort(port);
        Connection c = f.newConnection();
        closers.add(c);
        return c;
    }

    private void rabbitRpc() throws Exception {
        String queue = "bench.rpc." + UUID.randomUUID();
        Channel server = rabbitServing().createChannel();
        server.queueDeclare(queue, false, true, true, null);
        server.basicConsume(queue, true, (tag, d) -> server.basicPublish("", d.getProperties().getReplyTo(),
            new AMQP.BasicProperties.Builder().correlationId(d.getProperties().getCorrelationId()).build(),
            d.getBody()), tag -> { });
        byte[] payload = "x".repeat(number("size", 128)).getBytes(StandardCharsets.UTF_8);
        for (int c = 0; c < number("clients", 1); c++) {
            Channel client = rabbit().createChannel();
            Map<String, Long> started = new ConcurrentHashMap<>();
            long[] next = {0};
            Runnable[] send = new Runnable[1];
            send[0] = () -> {
                if (!measurement.running()) {
                    return;
                }
                String id = String.valueOf(next[0]++);
                started.put(id, System.nanoTime());
                try {
                    client.basicPublish("", queue, new AMQP.BasicProperties.Builder().correlationId(id)
                        .replyTo("amq.rabbitmq.reply-to").build(), payload);
                } catch (Exception e) {
                    measurement.failed();
                }
            };
            client.basicConsume("amq.rabbitmq.reply-to", true, (tag, d) -> {
                Long start = started.remove(d.getProperties().getCorrelationId());
                measurement.record(start == null ? 0 : start, d.getBody().length);
                send[0].run();
            }, tag -> { });
            synchronized (client) {
                for (int i = 0; i < number("in-flight", 1); i++) {
                    send[0].run();
                }
            }
        }
    }

    private void rabbitPubSub() throws Exception {
        String exchange = "bench.topic." + UUID.randomUUID();
        Channel admin = rabbitServing().createChannel();
        admin.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, false, true, null);
        for (int s = 0; s < number("subscribers", 4); s++) {
            Channel sub = rabbitServing().createChannel();
            String q = sub.queueDeclare().getQueue();
            sub.queueBind(q, exchange, "bench.#");
            sub.basicConsume(q, true, (tag, d) -> measurement.record(sentAt(d.getBody()), d.getBody().length),
                tag -> { });
        }
        if (!Boolean.parseBoolean(options.getOrDefault("confirm", "true"))) {
            // --confirm=false: no publisher confirms (fire and forget; RabbitMQ's credit flow still paces it)
            Channel publisher = rabbit().createChannel();
            int size = number("size", 128);
            Thread t = new Thread(() -> {
                try {
                    while (measurement.running()) {
                        publisher.basicPublish(exchange, "bench.k", null, stamped(size));
                    }
                } catch (Exception e) {
                    if (measurement.running()) {
                        measurement.failed();
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            return;
        }
        publishConfirmed(rabbit().createChannel(), exchange, "bench.k", number("in-flight", 256), number("size", 128));
    }

    private void rabbitTasks() throws Exception {
        String queue = "bench.tasks." + UUID.randomUUID();
        Channel admin = rabbitServing().createChannel();
        // --durable=true: a quorum queue (Raft, fsync of every command), persistent messages; else a classic
        // transient queue.
        boolean durable = Boolean.parseBoolean(options.getOrDefault("durable", "false"));
        if (durable) {
            admin.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
            // First of all closers: while the connections are still open (a quorum queue is not auto-deleted).
            closers.add(0, () -> admin.queueDelete(queue));
        } else {
            admin.queueDeclare(queue, false, false, true, Map.of("x-queue-type", "classic"));
        }
        for (int w = 0; w < number("workers", 3); w++) {
            Channel worker = rabbitServing().createChannel();
            worker.basicQos(number("prefetch", 10));
            worker.basicConsume(queue, false, (tag, d) -> {
                worker.basicAck(d.getEnvelope().getDeliveryTag(), false);
                measurement.record(sentAt(d.getBody()), d.getBody().length);
            }, tag -> { });
        }
        publishConfirmed(rabbit().createChannel(), "", queue, number("in-flight", 64), number("size", 1024));
    }

    private void rabbitChunked() throws Exception {
        String queue = "bench.chunks." + UUID.randomUUID();
        Channel admin = rabbitServing().createChannel();
        admin.queueDeclare(queue, false, false, true, null);
        long total = Long.parseLong(options.getOrDefault("total", String.valueOf(256L << 20)));
        int chunk = number("chunk", 1 << 20);
        long chunksPerTransfer = (total + chunk - 1) / chunk;
        Channel consumer = rabbitServing().createChannel();
        consumer.basicQos(8);
        long[] received = {0};
        long[] startedAt = {System.nanoTime()};
        consumer.basicConsume(queue, false, (tag, d) -> {
            consumer.basicAck(d.getEnvelope().getDeliveryTag(), false);
            measurement.bytes(d.getBody().length);
            if (++received[0] % chunksPerTransfer == 0) {
                measurement.record(startedAt[0], 0);
                startedAt[0] = System.nanoTime();
            }
        }, tag -> { });
        Channel producer = rabbit().createChannel();
        producer.confirmSelect();
        byte[] data = "x".repeat(chunk).getBytes(StandardCharsets.UTF_8);
        Thread t = new Thread(() -> {
            try {
                while (measurement.running()) {
                    for (int i = 0; i < 8; i++) {
                        producer.basicPublish("", queue, null, data);
                    }
                    producer.waitForConfirmsOrDie(10_000);
                }
            } catch (Exception e) {
                if (measurement.running()) {
                    measurement.failed();
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    /** Publishes stamped messages keeping {@code window} unconfirmed (publisher confirms), from one thread. */
    private void publishConfirmed(Channel channel, String exchange, String key, int window, int size)
        throws Exception {
        channel.confirmSelect();
        Semaphore permits = new Semaphore(window);
        // Publish to confirm: when each publish went out, by its sequence number (a confirm may cover several).
        java.util.concurrent.ConcurrentSkipListMap<Long, Long> sentAt = new java.util.concurrent.ConcurrentSkipListMap<>();
        channel.addConfirmListener((seq, multiple) -> {
            confirmed(sentAt, seq, multiple);
            release(permits, multiple, seq);
        }, (seq, multiple) -> {
            (multiple ? sentAt.headMap(seq, true) : sentAt.subMap(seq, true, seq, true)).clear();
            release(permits, multiple, seq);
        });
        Thread t = new Thread(() -> {
            try {
                while (measurement.running()) {
                    if (permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        sentAt.put(channel.getNextPublishSeqNo(), System.nanoTime());
                        channel.basicPublish(exchange, key, null, stamped(size));
                    }
                }
            } catch (Exception e) {
                if (measurement.running()) {
                    measurement.failed();
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private void confirmed(java.util.concurrent.ConcurrentNavigableMap<Long, Long> sentAt, long seq, boolean multiple) {
        java.util.concurrent.ConcurrentNavigableMap<Long, Long> done = multiple ? sentAt.headMap(seq, true)
            : sentAt.subMap(seq, true, seq, true);
        done.values().forEach(measurement::accepted);
        done.clear();
    }

    private final Map<Semaphore, Long> confirmedUpTo = new ConcurrentHashMap<>();

    private void release(Semaphore permits, boolean multiple, long seq) {
        long last = confirmedUpTo.getOrDefault(permits, 0L);
        int n = multiple ? (int) (seq - last) : 1;
        confirmedUpTo.put(permits, Math.max(last, seq));
        permits.release(Math.max(1, n));
    }

    // ---- NATS -------------------------------------------------------------------------------------------------

    /** A connection of a client side (requester, publisher, producer): to {@code --port}. */
    private io.nats.client.Connection nats() throws Exception {
        return nats(number("port", 4222));
    }

    /**
     * A connection of a serving side (responder, subscriber, worker, receiver of chunks): to {@code --service-port}
     * when given, a server of the same cluster as {@code --port}'s, so that every message crosses the cluster's
     * routes, as the node's two-node rows cross its routes; else to {@code --port}.
     */
    private io.nats.client.Connection natsServing() throws Exception {
        return nats(number("service-port", number("port", 4222)));
    }

    private io.nats.client.Connection nats(int port) throws Exception {
        io.nats.client.Connection c = Nats.connect(new Options.Builder().server("nats://"
            + options.getOrDefault("host", "127.0.0.1") + ":" + port).maxMessagesInOutgoingQueue(100_000)
            .build());
        closers.add(c);
        return c;
    }

    private void natsRpc() throws Exception {
        String subject = "bench.rpc." + UUID.randomUUID();
        io.nats.client.Connection server = natsServing();
        Dispatcher d = server.createDispatcher(m -> server.publish(m.getReplyTo(), m.getData()));
        d.subscribe(subject);
        server.flush(Duration.ofSeconds(5));
        byte[] payload = "x".repeat(number("size", 128)).getBytes(StandardCharsets.UTF_8);
        for (int c = 0; c < number("clients", 1); c++) {
            io.nats.client.Connection client = nats();
            for (int i = 0; i < number("in-flight", 1); i++) {
                natsRequestLoop(client, subject, payload);
            }
        }
    }

    private void natsRequestLoop(io.nats.client.Connection client, String subject, byte[] payload) {
        if (!measurement.running()) {
            return;
        }
        long start = System.nanoTime();
        CompletableFuture<Message> reply = client.requestWithTimeout(subject, payload, Duration.ofSeconds(10));
        reply.whenComplete((m, t) -> {
            if (t != null) {
                measurement.failed();
            } else {
                measurement.record(start, m.getData().length);
            }
            natsRequestLoop(client, subject, payload);
        });
    }

    private void natsPubSub() throws Exception {
        String prefix = "bench." + UUID.randomUUID().toString().substring(0, 8);
        for (int s = 0; s < number("subscribers", 4); s++) {
            io.nats.client.Connection sub = natsServing();
            Dispatcher d = sub.createDispatcher(m -> measurement.record(sentAt(m.getData()), m.getData().length));
            d.setPendingLimits(-1, 256L << 20);
            d.subscribe(prefix + ".>");
            sub.flush(Duration.ofSeconds(5));
        }
        io.nats.client.Connection pub = nats();
        int size = number("size", 128);
        Thread t = new Thread(() -> {
            long n = 0;
            try {
                while (measurement.running()) {
                    pub.publish(prefix + ".k", stamped(size));
                    // a round trip every 256 messages keeps the publisher from running ahead of the server
                    if (++n % 256 == 0) {
                        pub.flush(Duration.ofSeconds(5));
                    }
                }
            } catch (Exception e) {
                if (measurement.running()) {
                    measurement.failed();
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private void natsTasks() throws Exception {
        io.nats.client.Connection admin = nats();
        JetStreamManagement jsm = admin.jetStreamManagement();
        String stream = "BENCH_" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        String subject = stream.toLowerCase() + ".tasks";
        // --durable=true: file storage with --replicas (R3 on a three-node cluster); else in memory, one replica.
        boolean durable = Boolean.parseBoolean(options.getOrDefault("durable", "false"));
        jsm.addStream(StreamConfiguration.builder().name(stream).subjects(subject)
            .retentionPolicy(RetentionPolicy.WorkQueue)
            .storageType(durable ? StorageType.File : StorageType.Memory)
            .replicas(durable ? number("replicas", 1) : 1).build());
        jsm.addOrUpdateConsumer(stream, ConsumerConfiguration.builder().durable("workers")
            .ackPolicy(AckPolicy.Explicit).maxAckPending(number("prefetch", 10)).build()); // as the issue sets W3
        closers.add(() -> jsm.deleteStream(stream));
        for (int w = 0; w < number("workers", 3); w++) {
            // The simplified consumer API: it keeps pulls outstanding, so a worker waits for no timeout.
            io.nats.client.ConsumerContext consumer = natsServing().getConsumerContext(stream, "workers");
            closers.add(consumer.consume(io.nats.client.ConsumeOptions.builder()
                .batchSize(number("prefetch", 10)).build(), m -> {
                    m.ack();
                    measurement.record(sentAt(m.getData()), m.getData().length);
                }));
        }
        JetStream js = nats().jetStream();
        int window = number("in-flight", 64);
        int size = number("size", 1024);
        Semaphore permits = new Semaphore(window);
        Thread producer = new Thread(() -> {
            try {
                while (measurement.running()) {
                    if (permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        long start = System.nanoTime();
                        js.publishAsync(subject, stamped(size)).whenComplete((ack, t) -> {
                            permits.release();
                            if (t != null) {
                                measurement.failed();
                            } else {
                                measurement.accepted(start);
                            }
                        });
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.setDaemon(true);
        producer.start();
    }

    private void natsChunked() throws Exception {
        String subject = "bench.chunks." + UUID.randomUUID();
        long total = Long.parseLong(options.getOrDefault("total", String.valueOf(256L << 20)));
        int chunk = number("chunk", 1 << 20);
        long chunksPerTransfer = (total + chunk - 1) / chunk;
        io.nats.client.Connection sub = natsServing();
        long[] received = {0};
        long[] startedAt = {System.nanoTime()};
        Dispatcher d = sub.createDispatcher(m -> {
            measurement.bytes(m.getData().length);
            if (++received[0] % chunksPerTransfer == 0) {
                measurement.record(startedAt[0], 0);
                startedAt[0] = System.nanoTime();
            }
        });
        d.setPendingLimits(-1, 512L << 20);
        d.subscribe(subject);
        sub.flush(Duration.ofSeconds(5));
        io.nats.client.Connection pub = nats();
        byte[] data = "x".repeat(chunk).getBytes(StandardCharsets.UTF_8);
        Thread t = new Thread(() -> {
            try {
                while (measurement.running()) {
                    for (int i = 0; i < 8; i++) {
                        pub.publish(subject, data);
                    }
                    pub.flush(Duration.ofSeconds(10)); // a window of 8 chunks, like the node's credit
                }
            } catch (Exception e) {
                if (measurement.running()) {
                    measurement.failed();
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    // ---- shared -----------------------------------------------------------------------------------------------

    private static byte[] stamped(int size) {
        String stamp = System.nanoTime() + "|";
        return (size > stamp.length() ? stamp + "x".repeat(size - stamp.length()) : stamp)
            .getBytes(StandardCharsets.UTF_8);
    }

    private static long sentAt(byte[] body) {
        int bar = -1;
        for (int i = 0; i < Math.min(body.length, 24); i++) {
            if (body[i] == '|') {
                bar = i;
                break;
            }
        }
        return bar < 0 ? 0 : Long.parseLong(new String(body, 0, bar, StandardCharsets.US_ASCII));
    }

    private int number(String name, int defaultValue) {
        return Integer.parseInt(options.getOrDefault(name, String.valueOf(defaultValue)));
    }

    private long number(String name, long defaultValue) {
        return Long.parseLong(options.getOrDefault(name, String.valueOf(defaultValue)));
    }

    private long ms(String name, String defaultValue) {
        return dev.messagingnode.exchange.ExchangeOptions.parseDuration(options.getOrDefault(name, defaultValue))
            .toMillis();
    }

}

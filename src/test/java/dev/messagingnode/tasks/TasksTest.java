package dev.messagingnode.tasks;

import static dev.messagingnode.testing.LocalNode.await;
import static dev.messagingnode.testing.LocalNode.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.Delivery;
import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.exchange.Registration;
import dev.messagingnode.sink.SinkPattern;
import dev.messagingnode.testing.LocalNode;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TasksTest {

    private final LocalNode node = new LocalNode();
    private final MessagingClient client = node.client;

    @AfterEach
    void close() {
        node.close();
    }

    private void exchange(String name, String... options) {
        node.create(name, TasksPattern.NAME, options);
    }

    private long enqueue(String body, int priority) {
        return await(client.enqueue("jobs", Buffer.buffer(body), priority));
    }

    private Registration worker(int prefetch, io.vertx.core.Handler<Task> handler) {
        Registration r = client.work("jobs", prefetch, handler);
        await(r.attached());
        return r;
    }

    @Test
    void higherPrioritiesGoFirstAndEachPriorityIsFirstInFirstOut() {
        exchange("jobs");
        enqueue("low-1", 1);
        enqueue("high-1", 9);
        enqueue("low-2", 1);
        enqueue("mid-1", 5);
        enqueue("high-2", 9);
        enqueue("zero", 0);
        List<String> order = new CopyOnWriteArrayList<>();
        worker(1, t -> {
            order.add(t.message().toString());
            t.ack();
        });
        await().until(() -> order.size() == 6);
        assertThat(order).containsExactly("high-1", "high-2", "mid-1", "low-1", "low-2", "zero");
    }

    @Test
    void enqueueIsRefusedAtOnceWhenTheQueueIsFullOrTheInputIsBad() {
        exchange("jobs", TasksOptions.MAX_QUEUED, "3", TasksOptions.MAX_MESSAGE_BYTES, "8");
        enqueue("a", 0);
        enqueue("b", 0);
        enqueue("c", 0);
        MessagingException full = awaitFailure(client.enqueue("jobs", Buffer.buffer("d"), 0));
        assertThat(full.failure()).isEqualTo(Failure.OVER_CAPACITY);
        assertThat(full.detail()).contains("max-queued=3");
        assertThat(awaitFailure(client.enqueue("jobs", Buffer.buffer("x"), 10)).failure()).isEqualTo(Failure.INVALID);
        assertThat(awaitFailure(client.enqueue("jobs", Buffer.buffer("x"), -1)).failure()).isEqualTo(Failure.INVALID);
        assertThat(awaitFailure(client.enqueue("nowhere", Buffer.buffer("x"), 1)).failure())
            .isEqualTo(Failure.NO_SUCH_EXCHANGE);
        // The accepted three are all still there.
        List<String> done = new CopyOnWriteArrayList<>();
        worker(5, t -> {
            done.add(t.message().toString());
            t.ack();
        });
        await().until(() -> done.size() == 3);
        assertThat(done).containsExactly("a", "b", "c");
        enqueue("r", 0);
        assertThat(awaitFailure(client.enqueue("jobs", Buffer.buffer("123456789"), 0)).failure())
            .isEqualTo(Failure.TOO_LARGE);
    }

    @Test
    void aWorkerNeverHoldsMoreThanItsPrefetchLimit() {
        exchange("jobs");
        List<Task> held = new CopyOnWriteArrayList<>();
        worker(3, held::add);
        for (int i = 0; i < 10; i++) {
            enqueue("t" + i, 0);
        }
        await().until(() -> held.size() == 3);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> held.size() == 3);
        await(held.get(0).ack());
        await().until(() -> held.size() == 4);
        assertThat(held.get(3).message().toString()).isEqualTo("t3");
    }

    @Test
    void tasksGoRoundRobinOverWorkersWithFreeCredit() {
        exchange("jobs");
        Map<String, AtomicInteger> done = new ConcurrentHashMap<>();
        for (String w : List.of("w1", "w2", "w3")) {
            List<Task> mine = new CopyOnWriteArrayList<>();
            worker(1, t -> {
                done.computeIfAbsent(w, k -> new AtomicInteger()).incrementAndGet();
                mine.add(t);
            });
        }
        for (int i = 0; i < 3; i++) {
            enqueue("t" + i, 0);
        }
        await().until(() -> done.size() == 3);
        assertThat(done.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }

    @Test
    void aSlowWorkerDoesNotHoldUpTheOthers() {
        exchange("jobs");
        AtomicInteger slowHolding = new AtomicInteger();
        AtomicInteger slowMaxHolding = new AtomicInteger();
        AtomicInteger slowDone = new AtomicInteger();
        AtomicInteger fastDone = new AtomicInteger();
        worker(2, t -> {
            slowMaxHolding.accumulateAndGet(slowHolding.incrementAndGet(), Math::max);
            node.vertx.setTimer(200, id -> {
                slowHolding.decrementAndGet();
                slowDone.incrementAndGet();
                t.ack();
            });
        });
        worker(2, t -> {
            fastDone.incrementAndGet();
            t.ack();
        });
        for (int i = 0; i < 60; i++) {
            client.enqueue("jobs", Buffer.buffer("t" + i), 0);
        }
        await().until(() -> slowDone.get() + fastDone.get() == 60);
        assertThat(slowMaxHolding.get()).isLessThanOrEqualTo(2);
        // Handed out by plain round-robin, the slow one would have done 30.
        assertThat(fastDone.get()).isGreaterThanOrEqualTo(40);
    }

    @Test
    void aNackedTaskGoesToAnotherWorkerAndSaysItIsRedelivered() {
        exchange("jobs");
        List<Task> nacker = new CopyOnWriteArrayList<>();
        List<Task> other = new CopyOnWriteArrayList<>();
        worker(1, t -> {
            nacker.add(t);
            t.nack();
        });
        List<Task> otherHeld = new CopyOnWriteArrayList<>();
        // The other worker is busy with a first task when the nack happens: the nacked one waits for it.
        worker(1, t -> {
            other.add(t);
            if (other.size() == 1) {
                otherHeld.add(t);
            } else {
                t.ack();
            }
        });
        enqueue("first", 0);
        await().until(() -> other.size() + nacker.size() >= 1);
        enqueue("second", 0);
        await().until(() -> !nacker.isEmpty() && !otherHeld.isEmpty());
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> nacker.size() == 1);
        await(otherHeld.get(0).ack());
        await().until(() -> other.size() == 2);
        Task redelivered = other.get(1);
        assertThat(redelivered.id()).isEqualTo(nacker.get(0).id());
        assertThat(redelivered.deliveryCount()).isEqualTo(2);
        assertThat(redelivered.redelivered()).isTrue();
        assertThat(node.meters.get("messaging.tasks.nacked").counter().count()).isEqualTo(1);
        assertThat(node.meters.get("messaging.tasks.redelivered").counter().count()).isEqualTo(1);
    }

    @Test
    void aNackWithDelayComesBackOnlyAfterTheDelay() {
        exchange("jobs");
        List<Long> deliveredAt = new CopyOnWriteArrayList<>();
        worker(1, t -> {
            deliveredAt.add(System.nanoTime());
            if (t.deliveryCount() == 1) {
                t.nack(Duration.ofMillis(300));
            } else {
                t.ack();
            }
        });
        enqueue("later", 0);
        await().until(() -> deliveredAt.size() == 2);
        assertThat(Duration.ofNanos(deliveredAt.get(1) - deliveredAt.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(290));
    }

    @Test
    void aTaskPastItsAckTimeoutIsRedeliveredAndTheLateAckIsRefused() {
        exchange("jobs", TasksOptions.ACK_TIMEOUT, "200ms");
        AtomicReference<Task> stuck = new AtomicReference<>();
        worker(1, stuck::set);
        enqueue("slow job", 0);
        await().until(() -> stuck.get() != null);
        List<Task> rescued = new CopyOnWriteArrayList<>();
        worker(1, t -> {
            rescued.add(t);
            t.ack();
        });
        await().until(() -> rescued.size() == 1);
        assertThat(rescued.get(0).deliveryCount()).isEqualTo(2);
        MessagingException late = awaitFailure(stuck.get().ack());
        assertThat(late.failure()).isEqualTo(Failure.NOT_HELD);
        assertThat(late.detail()).contains("delivery 1").contains("ended as timed-out")
            .contains("then acked after delivery 2").contains("not completed twice");
        assertThat(node.meters.get("messaging.tasks.ack-timeouts").counter().count()).isEqualTo(1);
        assertThat(node.meters.get("messaging.tasks.acked").counter().count()).isEqualTo(1);
    }

    @Test
    void inProgressExtendsTheAckTimeoutForLongJobs() {
        exchange("jobs", TasksOptions.ACK_TIMEOUT, "500ms");
        AtomicInteger deliveries = new AtomicInteger();
        AtomicReference<Throwable> ackResult = new AtomicReference<>();
        worker(1, t -> {
            deliveries.incrementAndGet();
            long timer = node.vertx.setPeriodic(100, id -> t.inProgress());
            node.vertx.setTimer(1500, id -> {
                node.vertx.cancelTimer(timer);
                t.ack().onComplete(ar -> ackResult.set(ar.failed() ? ar.cause() : new RuntimeException("ok")));
            });
        });
        enqueue("long job", 0);
        await().until(() -> ackResult.get() != null);
        assertThat(ackResult.get()).hasMessage("ok");
        assertThat(deliveries.get()).isEqualTo(1);
    }

    @Test
    void aWorkerThatUnregistersHasItsTasksRedeliveredAtOnce() {
        exchange("jobs", TasksOptions.ACK_TIMEOUT, "1h");
        List<Task> held = new CopyOnWriteArrayList<>();
        Registration leaving = worker(2, held::add);
        enqueue("a", 0);
        enqueue("b", 0);
        await().until(() -> held.size() == 2);
        List<String> done = new CopyOnWriteArrayList<>();
        worker(2, t -> {
            done.add(t.message().toString());
            t.ack();
        });
        await(leaving.unregister());
        await().atMost(Duration.ofSeconds(2)).until(() -> done.size() == 2);
        assertThat(done).containsExactly("a", "b");
    }

    @Test
    void afterMaxDeliveriesATaskGoesToTheDeadLetterExchangeWithItsHistory() {
        node.create(ExchangeDefinition.of("jobs-dead", SinkPattern.NAME));
        exchange("jobs", TasksOptions.MAX_DELIVERIES, "2", TasksOptions.DEAD_LETTER_EXCHANGE, "jobs-dead");
        worker(1, Task::nack);
        long id = await(client.enqueue("jobs", "my-tag", Buffer.buffer("poison"), 3, Map.of("origin", "test")));
        List<Delivery> dead = new CopyOnWriteArrayList<>();
        await(client.consume("jobs-dead", dead::addAll).attached());
        await().until(() -> dead.size() == 1);
        Delivery d = dead.get(0);
        assertThat(d.message().toString()).isEqualTo("poison");
        assertThat(d.tag()).isEqualTo("my-tag");
        Map<String, String> h = d.envelope().headers();
        assertThat(h).containsEntry("origin", "test").containsEntry("x-deliveries", "2")
            .containsEntry("x-death-reason", "nacked").containsEntry("x-original-exchange", "jobs")
            .containsEntry("x-task-id", String.valueOf(id));
        JsonArray history = new JsonArray(h.get("x-history"));
        assertThat(history).hasSize(2);
        assertThat(history.getJsonObject(0).getString("outcome")).isEqualTo("nacked");
        assertThat(history.getJsonObject(1).getInteger("delivery")).isEqualTo(2);
        assertThat(node.meters.get("messaging.tasks.dead-lettered").counter().count()).isEqualTo(1);
    }

    @Test
    void aTasksExchangeCanBeTheDeadLetterExchangeAndKeepsThePriority() {
        exchange("jobs-dlq");
        exchange("main", TasksOptions.MAX_DELIVERIES, "1", TasksOptions.DEAD_LETTER_EXCHANGE, "jobs-dlq",
            TasksOptions.ACK_TIMEOUT, "100ms");
        client.work("main", 1, t -> { }); // never answers: times out once, then dead
        await(client.enqueue("main", Buffer.buffer("stuck"), 7));
        List<Task> dlq = new CopyOnWriteArrayList<>();
        client.work("jobs-dlq", 1, dlq::add);
        await().until(() -> dlq.size() == 1);
        assertThat(dlq.get(0).priority()).isEqualTo(7);
        assertThat(dlq.get(0).envelope().headers()).containsEntry("x-death-reason", "timed-out");
    }

    @Test
    void theDeadLetterExchangeMayNotBeTheExchangeItself() {
        assertThat(awaitFailure(client.createExchange(ExchangeDefinition.of("loop", TasksPattern.NAME)
            .withOption(TasksOptions.DEAD_LETTER_EXCHANGE, "loop"))).failure()).isEqualTo(Failure.INVALID);
    }

    @Test
    void aWorkerThatRegistersAgainKeepsItsDeliveries() {
        exchange("jobs");
        List<Task> held = new CopyOnWriteArrayList<>();
        Registration w = worker(1, held::add);
        enqueue("a", 0);
        await().until(() -> held.size() == 1);
        // What a node does when the directory tells it the exchange's hosts changed: register again.
        node.vertx.eventBus().publish(dev.messagingnode.exchange.Addresses.EXCHANGE_UP,
            dev.messagingnode.exchange.ExchangeNotice.up("jobs"));
        enqueue("b", 0);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> held.size() == 1);
        await(held.get(0).ack());
        await().until(() -> held.size() == 2);
        assertThat(held.get(1).message().toString()).isEqualTo("b");
        assertThat(held.get(1).deliveryCount()).isEqualTo(1);
        assertThat(w.state()).isEqualTo(Registration.State.ATTACHED);
    }

    @Test
    void aPrefetchLimitOutsideTheExchangesBoundIsRefused() {
        exchange("jobs", TasksOptions.MAX_PREFETCH, "10");
        assertThat(awaitFailure(client.work("jobs", 11, t -> { }).attached()).detail()).contains("max-prefetch");
    }

    /** A worker in a verticle of its own that takes one task and then dies without a word. */
    static final class DyingWorker extends AbstractVerticle {
        final AtomicReference<Task> took = new AtomicReference<>();

        @Override
        public void start() {
            MessagingClient.create(vertx).work("jobs", 1, took::set);
        }
    }

    /**
     * The seed scenario: three workers, three tasks. Worker 1 takes a task and dies without a word, worker 3 nacks
     * its task. Both tasks are completed by the other workers; nothing is lost, nothing done twice after an ack.
     */
    @Test
    void seedScenarioWorkerDiesAndWorkerNacksAndEveryTaskIsDoneExactlyOnce() {
        exchange("jobs", TasksOptions.PARTY_CHECK_INTERVAL, "100ms", TasksOptions.ACK_TIMEOUT, "1h");
        Map<Long, AtomicInteger> acks = new ConcurrentHashMap<>();
        List<String> doneBy = new CopyOnWriteArrayList<>();

        DyingWorker w1 = new DyingWorker();
        String w1Deployment = await(node.vertx.deployVerticle(w1));
        List<Task> w2Held = new CopyOnWriteArrayList<>();
        worker(1, t -> {
            w2Held.add(t);
            t.ack().onSuccess(v -> {
                acks.computeIfAbsent(t.id(), k -> new AtomicInteger()).incrementAndGet();
                doneBy.add("w2:" + t.message());
            });
        });
        AtomicInteger w3Nacks = new AtomicInteger();
        worker(1, t -> {
            if (w3Nacks.getAndIncrement() == 0) {
                t.nack();
            } else {
                t.ack().onSuccess(v -> {
                    acks.computeIfAbsent(t.id(), k -> new AtomicInteger()).incrementAndGet();
                    doneBy.add("w3:" + t.message());
                });
            }
        });

        for (String task : List.of("t1", "t2", "t3")) {
            enqueue(task, 0);
        }
        await().until(() -> w1.took.get() != null);
        String w1Task = w1.took.get().message().toString();
        await(node.vertx.undeploy(w1Deployment)); // dies without unregistering

        await().atMost(Duration.ofSeconds(5)).until(() -> acks.size() == 3);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> doneBy.size() == 3);
        assertThat(acks.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(doneBy).anySatisfy(d -> assertThat(d).endsWith(":" + w1Task));
        assertThat(doneBy).noneSatisfy(d -> assertThat(d).startsWith("w1"));
        assertThat(node.meters.get("messaging.tasks.acked").counter().count()).isEqualTo(3);
        assertThat(node.meters.get("messaging.tasks.redelivered").counter().count()).isEqualTo(2);
    }

    /** An ack the log could not commit leaves the task owed: the leader delivers it again rather than drop it. */
    @Test
    void anAckTheLogDidNotCommitIsAnsweredWithTheFailureAndTheTaskIsDeliveredAgain() {
        node.create("acks", "tasks");
        long id = await(node.client.enqueue("acks", Buffer.buffer("once"), 0));
        node.refuseCommand = command -> command[0] == 3; // TaskLedger's ACKED
        List<Task> got = new CopyOnWriteArrayList<>();
        List<Throwable> ackFailures = new CopyOnWriteArrayList<>();
        await(node.client.work("acks", 1, t -> {
            got.add(t);
            if (got.size() == 1) {
                t.ack().onFailure(ackFailures::add);
            }
        }).attached());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> got.size() == 2);
        assertThat(ackFailures).hasSize(1);
        assertThat(got.get(1).id()).isEqualTo(id);
        assertThat(got.get(1).deliveryCount()).isEqualTo(2);
        node.refuseCommand = command -> false;
        await(got.get(1).ack());
    }
}

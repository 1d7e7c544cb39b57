package dev.messagingnode.rpc;

import static dev.messagingnode.testing.LocalNode.await;
import static dev.messagingnode.testing.LocalNode.awaitFailure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.exchange.Failure;
import dev.messagingnode.exchange.MessagingException;
import dev.messagingnode.testing.LocalNode;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DialogueTest {

    private final LocalNode node = new LocalNode();
    private final MessagingClient client = node.client;
    private final AtomicReference<Throwable> serviceSaw = new AtomicReference<>();

    @AfterEach
    void close() {
        node.close();
    }

    private void exchange(String... options) {
        node.create("shop", RequestResponsePattern.NAME, options);
    }

    /** Asks for a size, then a colour, then confirms the order. */
    private void shopService() {
        await(client.register("shop", req -> req.ask(Buffer.buffer("size?"))
            .compose(size -> size.ask(Buffer.buffer("colour for " + size.message() + "?"))
                .onSuccess(colour -> colour.reply(Buffer.buffer("ordered " + req.message() + " " + size.message()
                    + " " + colour.message()))))
            .onFailure(serviceSaw::set)).attached());
    }

    @Test
    void severalTurnsEndWithTheServicesFinalReplyAndKeepTheTag() {
        exchange();
        shopService();
        Reply q1 = await(client.call("shop", "order-7", Buffer.buffer("shirt"), RequestOptions.DEFAULT));
        assertThat(q1.kind()).isEqualTo(Reply.Kind.QUESTION);
        assertThat(q1.message().toString()).isEqualTo("size?");
        assertThat(q1.tag()).isEqualTo("order-7");
        Reply q2 = await(q1.answer(Buffer.buffer("M")));
        assertThat(q2.kind()).isEqualTo(Reply.Kind.QUESTION);
        assertThat(q2.message().toString()).isEqualTo("colour for M?");
        assertThat(q2.tag()).isEqualTo("order-7");
        Reply done = await(q2.answer(Buffer.buffer("blue")));
        assertThat(done.kind()).isEqualTo(Reply.Kind.MESSAGE);
        assertThat(done.message().toString()).isEqualTo("ordered shirt M blue");
        assertThat(done.tag()).isEqualTo("order-7");
        await(q1.dialogueClosed());
    }

    @Test
    void theClientMayEndTheDialogue() {
        exchange();
        shopService();
        Reply q1 = await(client.call("shop", Buffer.buffer("shirt")));
        await(q1.end());
        await().until(() -> serviceSaw.get() != null);
        assertThat(((MessagingException) serviceSaw.get()).failure()).isEqualTo(Failure.ENDED);
        await(q1.dialogueClosed());
        assertThat(awaitFailure(q1.answer(Buffer.buffer("late"))).failure()).isEqualTo(Failure.ENDED);
    }

    @Test
    void theServiceMayEndTheDialogueWithoutALastMessage() {
        exchange();
        await(client.register("shop", req -> req.ask(Buffer.buffer("sure?"))
            .onSuccess(ServiceRequest::end)).attached());
        Reply q = await(client.call("shop", Buffer.buffer()));
        Reply end = await(q.answer(Buffer.buffer("no")));
        assertThat(end.kind()).isEqualTo(Reply.Kind.END);
        await(q.dialogueClosed());
    }

    @Test
    void anAbandonedDialogueTimesOutAndBothSidesLearnIt() {
        exchange(RpcOptions.ANSWER_TIMEOUT, "200ms");
        shopService();
        Reply q1 = await(client.call("shop", Buffer.buffer("shirt")));
        // The client never answers.
        MessagingException clientSide = awaitFailure(q1.dialogueClosed());
        assertThat(clientSide.failure()).isEqualTo(Failure.TIMED_OUT);
        await().until(() -> serviceSaw.get() != null);
        assertThat(((MessagingException) serviceSaw.get()).failure()).isEqualTo(Failure.TIMED_OUT);
        assertThat(awaitFailure(q1.answer(Buffer.buffer("M"))).failure()).isEqualTo(Failure.TIMED_OUT);
    }

    /** A service in a verticle of its own, undeployed (timers and all) while its question waits for an answer. */
    static final class VanishingService extends io.vertx.core.AbstractVerticle {
        @Override
        public void start(io.vertx.core.Promise<Void> started) {
            MessagingClient.create(vertx).register("shop", req -> req.ask(Buffer.buffer("size?")))
                .attached().onComplete(started);
        }
    }

    @Test
    void aDialogueWhoseServiceVanishedWithoutAWordIsClosedForTheClient() {
        exchange(RpcOptions.ANSWER_TIMEOUT, "200ms");
        String id = await(node.vertx.deployVerticle(new VanishingService()));
        Reply q = await(client.call("shop", Buffer.buffer()));
        await(node.vertx.undeploy(id));
        MessagingException e = awaitFailure(q.dialogueClosed());
        assertThat(e.failure()).isEqualTo(Failure.TIMED_OUT);
        assertThat(e.detail()).contains("answer-timeout passed");
    }

    @Test
    void aServiceThatDoesNotTakeItsTurnTimesOutForTheClient() {
        exchange();
        await(client.register("shop", req -> req.ask(Buffer.buffer("size?")).onSuccess(answer -> { })).attached());
        Reply q = await(client.call("shop", "t", Buffer.buffer(), RequestOptions.timeout(Duration.ofMillis(200))));
        long start = System.nanoTime();
        MessagingException e = awaitFailure(q.answer(Buffer.buffer("M")));
        assertThat(e.failure()).isEqualTo(Failure.TIMED_OUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(awaitFailure(q.dialogueClosed()).failure()).isEqualTo(Failure.TIMED_OUT);
    }

    @Test
    void anAnswerOverMaxMessageBytesIsRefusedAndTheTurnStaysOpen() {
        exchange(RpcOptions.MAX_MESSAGE_BYTES, "8");
        await(client.register("shop", req -> req.ask(Buffer.buffer("name?"))
            .onSuccess(a -> a.reply(Buffer.buffer("hi " + a.message())))).attached());
        Reply q = await(client.call("shop", Buffer.buffer()));
        assertThat(awaitFailure(q.answer(Buffer.buffer("a name that is too long"))).failure())
            .isEqualTo(Failure.TOO_LARGE);
        assertThat(await(q.answer(Buffer.buffer("Ann"))).message().toString()).isEqualTo("hi Ann");
    }

    @Test
    void aServiceThatThrowsInALaterTurnFailsTheClientsAnswer() {
        exchange();
        await(client.register("shop", req -> req.ask(Buffer.buffer("n?")).onSuccess(a -> a.fail("cannot parse")))
            .attached());
        Reply q = await(client.call("shop", Buffer.buffer()));
        MessagingException e = awaitFailure(q.answer(Buffer.buffer("x")));
        assertThat(e.failure()).isEqualTo(Failure.SERVICE_FAILED);
        assertThat(e.detail()).isEqualTo("cannot parse");
    }
}

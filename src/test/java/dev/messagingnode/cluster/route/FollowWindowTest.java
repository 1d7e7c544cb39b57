package dev.messagingnode.cluster.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The follow rule: three quarters or more of a window of at least {@link Routes#FOLLOW_MIN_SENDS} messages. */
class FollowWindowTest {

    private final EventLoop x = new DefaultEventLoop();
    private final EventLoop y = new DefaultEventLoop();
    private final EventLoop z = new DefaultEventLoop();
    /** The window's length: long while counting, 0 to end it at the next question. */
    private final AtomicLong window = new AtomicLong(Long.MAX_VALUE);
    private final FollowWindow follow = new FollowWindow(window::get);

    @AfterEach
    void stop() {
        x.shutdownGracefully();
        y.shutdownGracefully();
        z.shutdownGracefully();
    }

    private void send(EventLoop from, int count) {
        for (int i = 0; i < count; i++) {
            follow.count(from);
        }
    }

    private EventLoop endOfWindow(EventLoop current) {
        window.set(0);
        EventLoop to = follow.majority(current);
        window.set(Long.MAX_VALUE);
        return to;
    }

    @Test
    void theLoopThatSentThreeQuartersIsFollowedEvenWhenAnotherSentFirst() {
        send(z, 1);
        send(y, 1500);
        assertThat(follow.majority(x)).as("the window is not over yet").isNull();
        assertThat(endOfWindow(x)).isSameAs(y);
    }

    @Test
    void sharedTrafficAFewMessagesOrTheCurrentLoopMoveNothing() {
        send(x, 750);
        send(y, 750);
        assertThat(endOfWindow(z)).as("half each").isNull();
        send(y, Routes.FOLLOW_MIN_SENDS - 1);
        assertThat(endOfWindow(x)).as("too few to be worth a move").isNull();
        send(y, 1500);
        assertThat(endOfWindow(y)).as("already there").isNull();
        send(y, 1100);
        send(x, 400);
        assertThat(endOfWindow(x)).as("just under three quarters").isNull();
        send(y, 1125);
        send(x, 375);
        assertThat(endOfWindow(x)).as("three quarters").isSameAs(y);
    }

    @Test
    void aMajorityAmongManyLoopsIsFound() {
        EventLoop[] many = new EventLoop[12];
        try {
            for (int i = 0; i < many.length; i++) {
                many[i] = new DefaultEventLoop();
            }
            for (int i = 0; i < many.length - 1; i++) {
                send(many[i], 1);
            }
            send(many[many.length - 1], 1500);
            assertThat(endOfWindow(x)).as("the twelfth loop seen").isSameAs(many[many.length - 1]);
        } finally {
            for (EventLoop loop : many) {
                if (loop != null) {
                    loop.shutdownGracefully();
                }
            }
        }
    }

    @Test
    void eachWindowStartsAgainFromNothing() {
        send(y, 1500);
        assertThat(endOfWindow(x)).isSameAs(y);
        send(y, 500);
        assertThat(endOfWindow(x)).as("the last window's messages do not count in this one").isNull();
    }
}

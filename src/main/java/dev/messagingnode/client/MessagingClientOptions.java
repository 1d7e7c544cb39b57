package dev.messagingnode.client;

import java.time.Duration;

/**
 * Client-side bounds.
 *
 * @param maxPendingRequests requests waiting for a first answer; one more is refused with OVER_CAPACITY
 * @param defaultTurnTimeout how long a dialogue answer waits for the service's next turn when the request set no
 *                           timeout of its own
 */
public record MessagingClientOptions(int maxPendingRequests, Duration defaultTurnTimeout) {

    public static final MessagingClientOptions DEFAULT = new MessagingClientOptions(65_536, Duration.ofSeconds(30));
}

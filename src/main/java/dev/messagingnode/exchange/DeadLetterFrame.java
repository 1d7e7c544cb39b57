package dev.messagingnode.exchange;

/**
 * A message given up by a tasks exchange after its last delivery, on its way to the dead-letter exchange (a
 * {@code tasks} or {@code sink} exchange). The envelope's headers carry the history: {@code x-deliveries} (how many
 * times it was delivered), {@code x-death-reason} and {@code x-history} (a JSON array, one entry per delivery).
 */
public record DeadLetterFrame(Envelope envelope, int priority) {
}

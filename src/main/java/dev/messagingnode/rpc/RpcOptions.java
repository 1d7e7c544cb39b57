package dev.messagingnode.rpc;

import dev.messagingnode.exchange.ExchangeDefinition;
import dev.messagingnode.exchange.ExchangeOptions;
import dev.messagingnode.exchange.FrameCodec;
import java.time.Duration;

/**
 * The options of a request-response exchange, each with its default and the outcome at its bound.
 *
 * @param requestTimeout    default time a client waits for the service's first answer (a reply, the start of a
 *                          stream or a question); a request may ask for less or more. Past it: TIMED_OUT.
 * @param maxInFlight       requests accepted and not yet answered; one more is refused with OVER_CAPACITY.
 * @param maxMessageBytes   largest request, reply, question or answer body; larger is refused with TOO_LARGE.
 * @param chunkWindow       chunks a service may have sent and not yet had credited by the requester; past it
 *                          the service's stream reports a full write queue (back-pressure).
 * @param maxChunkBytes     largest chunk; a larger write fails with TOO_LARGE.
 * @param streamIdleTimeout how long a service waits for credit before it ends the stream as TIMED_OUT (a
 *                          requester that stopped reading or vanished).
 * @param answerTimeout     how long a service waits for the client's answer in a dialogue before both sides
 *                          learn it TIMED_OUT.
 * @param partyCheckInterval how often the exchange checks that its services still have a consumer.
 */
public record RpcOptions(
    Duration requestTimeout,
    int maxInFlight,
    int maxMessageBytes,
    int chunkWindow,
    int maxChunkBytes,
    Duration streamIdleTimeout,
    Duration answerTimeout,
    Duration partyCheckInterval) {
    /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
    public static final FrameCodec<RpcOptions> CODEC = FrameCodec.of(RpcOptions.class,
        (f, out) -> out.duration(f.requestTimeout()).int32(f.maxInFlight()).int32(f.maxMessageBytes())
            .int32(f.chunkWindow()).int32(f.maxChunkBytes()).duration(f.streamIdleTimeout())
            .duration(f.answerTimeout()).duration(f.partyCheckInterval()),
        in -> new RpcOptions(in.duration(), in.int32(), in.int32(), in.int32(), in.int32(), in.duration(),
            in.duration(), in.duration()));

    public static final String REQUEST_TIMEOUT = "request-timeout";
    public static final String MAX_IN_FLIGHT = "max-in-flight";
    public static final String MAX_MESSAGE_BYTES = "max-message-bytes";
    public static final String CHUNK_WINDOW = "chunk-window";
    public static final String MAX_CHUNK_BYTES = "max-chunk-bytes";
    public static final String STREAM_IDLE_TIMEOUT = "stream-idle-timeout";
    public static final String ANSWER_TIMEOUT = "answer-timeout";
    public static final String PARTY_CHECK_INTERVAL = "party-check-interval";

    private static final Duration MS = Duration.ofMillis(1);
    private static final Duration HOUR = Duration.ofHours(1);
    private static final int MIB = 1024 * 1024;

    /** Reads and checks the options of a definition; unknown keys are an error. */
    public static RpcOptions from(ExchangeDefinition definition) {
        ExchangeOptions o = new ExchangeOptions(definition.name(), definition.options());
        RpcOptions options = new RpcOptions(
            o.duration(REQUEST_TIMEOUT, Duration.ofSeconds(30), MS, HOUR),
            o.intValue(MAX_IN_FLIGHT, 10_000, 1, 10_000_000),
            o.intValue(MAX_MESSAGE_BYTES, MIB, 0, 64 * MIB),
            o.intValue(CHUNK_WINDOW, 4, 1, 1024),
            o.intValue(MAX_CHUNK_BYTES, MIB, 1, 16 * MIB),
            o.duration(STREAM_IDLE_TIMEOUT, Duration.ofSeconds(30), MS, HOUR),
            o.duration(ANSWER_TIMEOUT, Duration.ofSeconds(30), MS, HOUR),
            o.duration(PARTY_CHECK_INTERVAL, Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(1)));
        o.rejectUnknown();
        return options;
    }
}

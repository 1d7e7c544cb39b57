package dev.messagingnode.pubsub;

import dev.messagingnode.exchange.Delivery;
import dev.messagingnode.exchange.Envelope;
import dev.messagingnode.exchange.Expandable;
import dev.messagingnode.exchange.FrameCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One publish for every subscriber on one other node, so that it crosses the network once per node rather than
 * once per subscriber; the receiving node's transport expands it into one delivery per subscriber.
 *
 * @param envelope the message, with no tag: each subscriber gets its own
 * @param from     the exchange that delivered it, where credit goes back
 */
public record FanOutFrame(String key, Envelope envelope, String from, List<Target> targets) implements Expandable {
    /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
    public static final FrameCodec<FanOutFrame> CODEC = FrameCodec.of(FanOutFrame.class,
        (f, out) -> out.string(f.key()).record(f.envelope(), Envelope.CODEC).string(f.from())
            .list(f.targets(), Target.CODEC),
        in -> new FanOutFrame(in.string(), in.record(Envelope.CODEC), in.string(), in.list(Target.CODEC)));

    @Override
    public List<Map.Entry<String, Object>> expand() {
        List<Map.Entry<String, Object>> out = new ArrayList<>(targets.size());
        for (Target t : targets) {
            out.add(Map.entry(t.address(), new Delivery(new Envelope(envelope.exchange(), t.tag(), envelope.message(),
                envelope.headers()), key, t.dropped(), from)));
        }
        return out;
    }

    /** One subscriber on the receiving node: its local address, its tag and its drop count. */
    public record Target(String address, String tag, long dropped) {
        /** Its wire form between nodes: add components only at the end (see {@link FrameCodec}). */
        public static final FrameCodec<Target> CODEC = FrameCodec.of(Target.class,
            (f, out) -> out.string(f.address()).string(f.tag()).int64(f.dropped()),
            in -> new Target(in.string(), in.string(), in.int64()));
    }
}

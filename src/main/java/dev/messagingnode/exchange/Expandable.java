package dev.messagingnode.exchange;

import java.util.List;
import java.util.Map;

/**
 * A frame that stands for several: it crosses to another node once and is expanded there into one frame per local
 * address (a publish for all of a node's subscribers). The transport expands it on the same context that hands
 * over every other frame from that node, so the order of deliveries to each address is kept.
 */
public interface Expandable {

    /** Local address and frame, in order. */
    List<Map.Entry<String, Object>> expand();
}

package dev.messagingnode.cluster;

import java.util.List;
import java.util.Set;

/**
 * One membership change: the members now, who joined and who left since the previous view. {@code merged} is true
 * when the view heals a partition (both sides may have changed things meanwhile).
 */
public record MembershipView(long id, List<String> members, Set<String> joined, Set<String> left, boolean merged) {
}

package dev.messagingnode.cluster.jgroups;

import dev.messagingnode.cluster.Cluster;
import org.jgroups.protocols.DISCARD;
import org.jgroups.stack.ProtocolStack;

/** Cuts a member off from the others and heals it, with JGroups' DISCARD just above the transport. */
public final class Partitions {

    private Partitions() {
    }

    /** From now on the member neither sends nor receives anything: the others suspect it, it suspects them. */
    public static void isolate(Cluster member) throws Exception {
        ProtocolStack stack = ((JGroupsCluster) member).channel().getProtocolStack();
        stack.insertProtocol(new DISCARD().discardAll(true), ProtocolStack.Position.ABOVE,
            stack.getTransport().getClass());
    }

    /** Messages flow again; MERGE3 brings the partitions together. */
    public static void heal(Cluster member) {
        ((JGroupsCluster) member).channel().getProtocolStack().removeProtocol(DISCARD.class);
    }
}

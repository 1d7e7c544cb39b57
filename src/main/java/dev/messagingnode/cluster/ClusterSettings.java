package dev.messagingnode.cluster;

import java.time.Duration;
import java.util.List;

/**
 * How a node finds and watches its cluster.
 *
 * @param name                    nodes with the same cluster name form one cluster
 * @param nodeName                this node's name, unique in the cluster
 * @param bindAddress             the address the cluster transport listens on
 * @param bindPort                its port
 * @param discovery               {@code tcpping}: the {@code seeds} list (one machine, tests, fixed hosts);
 *                                {@code dns-ping}: the A records of {@code dnsQuery} (a headless Service on
 *                                Kubernetes), on {@code bindPort}
 * @param seeds                   host:port of some members (this node may be among them)
 * @param dnsQuery                e.g. {@code messaging-headless.default.svc.cluster.local}
 * @param failureDetectionTimeout a member silent this long is suspected (a killed process whose sockets close is
 *                                noticed sooner)
 * @param routePort               where the routes (the data connections between members) listen, on
 *                                {@code bindAddress}: 0 for any free port (announced to the members), -1 for no
 *                                routes (all traffic over the membership transport, as releases before them)
 */
public record ClusterSettings(String name, String nodeName, String bindAddress, int bindPort, Discovery discovery,
                              List<String> seeds, String dnsQuery, Duration failureDetectionTimeout, int routePort) {

    /** With routes on any free port. */
    public ClusterSettings(String name, String nodeName, String bindAddress, int bindPort, Discovery discovery,
                           List<String> seeds, String dnsQuery, Duration failureDetectionTimeout) {
        this(name, nodeName, bindAddress, bindPort, discovery, seeds, dnsQuery, failureDetectionTimeout, 0);
    }

    public ClusterSettings withRoutePort(int port) {
        return new ClusterSettings(name, nodeName, bindAddress, bindPort, discovery, seeds, dnsQuery,
            failureDetectionTimeout, port);
    }

    public enum Discovery { TCPPING, DNS_PING }
}

package dev.messagingnode.config;

import dev.messagingnode.cluster.ClusterSettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code messaging.cluster.*}: whether and how the node joins a cluster. Every key has an env-var form. */
@ConfigMapping(prefix = "messaging.cluster")
public interface ClusterConfig {

    /** Off: the node runs alone (the embedded default). */
    @WithDefault("false")
    boolean enabled();

    /** Nodes with the same cluster name form one cluster. */
    @WithDefault("messaging")
    String name();

    /** Unique in the cluster; default: host name and cluster port (the pod name on Kubernetes). */
    Optional<String> nodeName();

    @WithDefault("127.0.0.1")
    String bindAddress();

    @WithDefault("7800")
    int bindPort();

    /** {@code tcpping} (seed list) or {@code dns-ping} (headless Service). */
    @WithDefault("tcpping")
    String discovery();

    /** host:port of some members, comma-separated; default: this node only. */
    Optional<List<String>> seeds();

    /** The DNS name whose A records are the members, for {@code dns-ping}. */
    Optional<String> dnsQuery();

    /** A member silent this long is suspected; a killed process is noticed sooner, when its sockets close. */
    @WithDefault("3s")
    Duration failureDetectionTimeout();

    /**
     * Where the routes listen: the connections between members that carry requests, answers, deliveries and chunks
     * (membership, failure detection and Raft use the cluster port). 0: any free port, announced to the members with
     * this node's address; -1: no routes, everything over the cluster port (slower; what releases before routes did).
     */
    @WithDefault("0")
    int routePort();

    /** The settings for the cluster implementation, checked. */
    default ClusterSettings settings() {
        ClusterSettings.Discovery d = switch (discovery().toLowerCase(Locale.ROOT)) {
            case "tcpping" -> ClusterSettings.Discovery.TCPPING;
            case "dns-ping", "dns_ping" -> ClusterSettings.Discovery.DNS_PING;
            default -> throw new IllegalArgumentException("messaging.cluster.discovery='" + discovery()
                + "' must be tcpping or dns-ping");
        };
        if (d == ClusterSettings.Discovery.DNS_PING && dnsQuery().isEmpty()) {
            throw new IllegalArgumentException("messaging.cluster.discovery=dns-ping needs messaging.cluster.dns-query");
        }
        List<String> seeds = seeds().orElse(List.of(bindAddress() + ":" + bindPort()));
        for (String seed : seeds) {
            int colon = seed.lastIndexOf(':');
            if (colon <= 0 || !seed.substring(colon + 1).trim().matches("\\d{1,5}")) {
                throw new IllegalArgumentException("messaging.cluster.seeds entry '" + seed + "' must be host:port");
            }
        }
        String node = nodeName().orElseGet(() -> hostName() + "-" + bindPort());
        if (routePort() < -1 || routePort() > 65535) {
            throw new IllegalArgumentException("messaging.cluster.route-port=" + routePort()
                + " must be a port, 0 for any free one, or -1 for none");
        }
        return new ClusterSettings(name(), node, bindAddress(), bindPort(), d, seeds, dnsQuery().orElse(null),
            failureDetectionTimeout(), routePort());
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "node";
        }
    }
}

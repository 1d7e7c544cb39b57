package dev.messagingnode.exchange;

/** Told whenever an exchange starts or stops on this node, e.g. to keep the cluster directory current. */
public interface RegistryListener {

    void started(HostedExchange exchange);

    /** {@code byRequest}: deleted through the API; otherwise the node stepped down (its definition lost). */
    void deleted(String name, boolean byRequest);
}

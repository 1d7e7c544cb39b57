package dev.messagingnode.http;

import dev.messagingnode.client.MessagingClient;
import dev.messagingnode.remote.RemoteParties;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The node's one {@link RemoteParties}, shared by the HTTP API and the bridges. */
@ApplicationScoped
public class RemotePartiesBean {

    @Produces
    @Singleton
    RemoteParties remoteParties(MessagingClient client, HttpApiConfig config) {
        return new RemoteParties(client, config.maxParties());
    }
}

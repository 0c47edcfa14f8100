package com.virtuoso.ports;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/** Names the running containers that publish a port, as a container engine answers. */
@FunctionalInterface
public interface PublishingContainers {

    /** Asks nobody: a port held by a forwarder is then told as published, its container unnamed. */
    PublishingContainers UNASKED = (port, addresses) -> List.of();

    /**
     * The running containers that publish {@code port} on one of {@code addresses} (a container
     * publishing on the wildcard address publishes on all); empty when none does or the engine
     * could not be asked. A diagnostic: never throws, and answers within about a second.
     *
     * @param addresses the local addresses of the listeners on the port, as the kernel's tables give them
     */
    List<PublishingContainer> publishing(int port, Set<InetAddress> addresses);

    /**
     * {@link #publishing}, saying also whether the engine could not be reached, so that a caller
     * asking about several ports pays a hung engine's deadline once, not once per port.
     */
    default PublishingAnswer ask(int port, Set<InetAddress> addresses) {
        return PublishingAnswer.answered(publishing(port, addresses));
    }

}

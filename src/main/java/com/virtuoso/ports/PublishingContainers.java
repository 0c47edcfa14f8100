package com.virtuoso.ports;

import java.util.List;

/** Names the running containers that publish a port, as a container engine answers. */
@FunctionalInterface
public interface PublishingContainers {

    /** Asks nobody: a port held by a forwarder is then told as published, its container unnamed. */
    PublishingContainers UNASKED = (port) -> List.of();

    /**
     * The running containers that publish {@code port}; empty when none does or the engine could
     * not be asked. A diagnostic: never throws, and answers within about a second.
     */
    List<PublishingContainer> publishing(int port);

}

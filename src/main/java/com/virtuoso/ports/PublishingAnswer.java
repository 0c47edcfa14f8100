package com.virtuoso.ports;

import java.util.List;

/**
 * What a container engine answered about a port.
 *
 * @param containers the containers that publish it; empty when none does or the engine could not
 * tell
 * @param unreachable whether the engine could not be reached at all (no connection, no answer in
 * time): asking it again at once would likely cost the same deadline for nothing
 */
public record PublishingAnswer(List<PublishingContainer> containers, boolean unreachable) {

    public PublishingAnswer {
        containers = List.copyOf(containers);
    }

    /** The engine answered: these containers publish the port (none, when empty). */
    public static PublishingAnswer answered(List<PublishingContainer> containers) {
        return new PublishingAnswer(containers, false);
    }

    /** The engine could not be reached, so no container is named. */
    public static PublishingAnswer unreached() {
        return new PublishingAnswer(List.of(), true);
    }

}

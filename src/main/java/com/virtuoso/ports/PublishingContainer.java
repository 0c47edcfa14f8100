package com.virtuoso.ports;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A running container that publishes a port, as the container engine names it.
 *
 * @param name its name, as {@code docker stop} takes it
 * @param id the first 12 hex digits of its id, as {@code docker ps} shows it
 */
public record PublishingContainer(String name, String id) {

    /**
     * Docker's own rule for container names: whatever else an engine answers is not printed, as
     * the answer comes from a socket, not from this program.
     */
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}");

    private static final Pattern ID = Pattern.compile("[0-9a-f]{12,64}");

    private static final int SHORT_ID = 12;

    public PublishingContainer {
        if (!NAME.matcher(name).matches() || !ID.matcher(id).matches() || id.length() != SHORT_ID) {
            throw new IllegalArgumentException("not a container name and short id: " + name + ", " + id);
        }
    }

    /**
     * The container an engine lists with {@code names} ({@code /web}: the API keeps Docker's
     * leading slash; a legacy link adds {@code /other/web}) and {@code id}: its first name that
     * Docker would accept, and the short id; empty when the answer holds neither.
     */
    public static Optional<PublishingContainer> of(List<String> names, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return names.stream()
            .filter((name) -> name != null)
            .map((name) -> name.startsWith("/") ? name.substring(1) : name)
            .filter((name) -> NAME.matcher(name).matches())
            .findFirst()
            .map((name) -> new PublishingContainer(name, id.substring(0, SHORT_ID)));
    }

    /** {@code web (4d7ac333d3d4)}. */
    public String describe() {
        return name + " (" + id + ")";
    }

}

package com.virtuoso.container;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * That this process runs in a container, and what says so.
 * <p>
 * Each sign is one that container runtimes leave on purpose: Docker's {@code /.dockerenv},
 * Podman's {@code /run/.containerenv}, the {@code container} variable (Podman, systemd-nspawn,
 * LXC; not Flatpak's, whose apps share the host's network), the {@code KUBERNETES_SERVICE_HOST}
 * variable Kubernetes sets in every pod, and {@code K_SERVICE}, which Knative and Cloud Run set.
 * Cgroup paths are not read: on cgroup v2 they no longer name the runtime.
 *
 * @param evidence the sign found, as an operator can check it ({@code /.dockerenv},
 * {@code container=podman}, ...)
 */
public record Container(String evidence) {

    /** The longest value of the {@code container} variable shown; runtimes set a short name. */
    private static final int MAX_NAME = 40;

    /** This process's container, if it runs in one, as {@code setting} says. */
    public static Optional<Container> detect(InContainer setting) {
        return detect(setting, System.getenv(), Path.of("/"));
    }

    /**
     * The container this process runs in, as {@code setting} says or, when it says
     * {@link InContainer#AUTO}, as {@code variables} and the files under {@code root} say.
     */
    public static Optional<Container> detect(InContainer setting, Map<String, String> variables, Path root) {
        return switch (setting) {
            case AUTO -> detect(variables, root);
            case TRUE -> Optional.of(detect(variables, root).orElse(new Container("web_server.in_container: true")));
            case FALSE -> Optional.empty();
        };
    }

    /**
     * The container that {@code variables} and the files under {@code root} say this process
     * runs in, if any.
     */
    static Optional<Container> detect(Map<String, String> variables, Path root) {
        if (Files.exists(root.resolve(".dockerenv"))) {
            return Optional.of(new Container("/.dockerenv"));
        }
        if (Files.exists(root.resolve("run/.containerenv"))) {
            return Optional.of(new Container("/run/.containerenv"));
        }
        String container = variables.get("container");
        // Flatpak sets it for desktop apps, which share the host's network: no port mapping there
        if (container != null && !container.isBlank() && !container.strip().equals("flatpak")) {
            String name = container.strip().replaceAll("\\P{Graph}", "?");
            return Optional.of(new Container("container="
                    + ((name.length() > MAX_NAME) ? name.substring(0, MAX_NAME) + "..." : name)));
        }
        if (variables.containsKey("KUBERNETES_SERVICE_HOST")) {
            return Optional.of(new Container("KUBERNETES_SERVICE_HOST"));
        }
        if (variables.containsKey("K_SERVICE")) {
            return Optional.of(new Container("K_SERVICE")); // Knative and Cloud Run, which set PORT
        }
        return Optional.empty();
    }

}

package com.virtuoso.ports;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The ports a start may use, in the order it tries them: the primary port, then the fallback
 * ports unless fallback is off. {@code 0} stands for any free port the OS picks.
 *
 * @param primary the port the server should listen on
 * @param fallbacks the ports to try, in order, when the primary cannot be bound
 * @param autoFallback whether to try {@code fallbacks} at all; {@code false} is strict mode
 */
public record PortCandidates(int primary, List<Integer> fallbacks, boolean autoFallback) {

    public PortCandidates {
        fallbacks = List.copyOf(fallbacks);
    }

    /** The distinct ports to try, in order; strict mode tries the primary only. */
    public List<Integer> ports() {
        if (!autoFallback) {
            return List.of(primary);
        }
        Set<Integer> ordered = new LinkedHashSet<>();
        ordered.add(primary);
        ordered.addAll(fallbacks);
        return List.copyOf(ordered);
    }

    /** The fallback ports left out because they repeat the primary or an earlier fallback. */
    public List<Integer> duplicates() {
        Set<Integer> seen = new LinkedHashSet<>(List.of(primary));
        List<Integer> duplicates = new ArrayList<>();
        for (Integer port : fallbacks) {
            if (!seen.add(port)) {
                duplicates.add(port);
            }
        }
        return duplicates;
    }

}

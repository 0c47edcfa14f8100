package com.virtuoso.ports;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PortCandidatesTest {

    @Test
    void primaryFirstThenFallbacksInOrder() {
        PortCandidates candidates = new PortCandidates(8000, List.of(8001, 8002, 0), true);
        assertThat(candidates.ports()).containsExactly(8000, 8001, 8002, 0);
        assertThat(candidates.duplicates()).isEmpty();
    }

    @Test
    void duplicatesAreTriedOnceAndReported() {
        PortCandidates candidates = new PortCandidates(8000, List.of(8001, 8000, 8001, 8002), true);
        assertThat(candidates.ports()).containsExactly(8000, 8001, 8002);
        assertThat(candidates.duplicates()).containsExactly(8000, 8001);
    }

    @Test
    void strictModeTriesThePrimaryOnly() {
        assertThat(new PortCandidates(8000, List.of(8001, 8002), false).ports()).containsExactly(8000);
    }

}

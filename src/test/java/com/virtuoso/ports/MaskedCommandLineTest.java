package com.virtuoso.ports;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MaskedCommandLineTest {

    @Test
    void masksValuesOfSecretLookingArguments() {
        String masked = MaskedCommandLine.of(List.of("java", "-Dspring.datasource.password=hunter2", "-jar", "app.jar",
                "--api-key", "abc123", "--token=xyz", "--port=9123", "SECRET_KEY=s3cr3t"));
        assertThat(masked).isEqualTo("java -Dspring.datasource.password=**** -jar app.jar --api-key **** "
                + "--token=**** --port=9123 SECRET_KEY=****");
        assertThat(masked).doesNotContain("hunter2", "abc123", "xyz", "s3cr3t");
    }

    @Test
    void leavesOrdinaryCommandLinesAlone() {
        assertThat(MaskedCommandLine.of(List.of("python3", "-m", "http.server", "9123")))
            .isEqualTo("python3 -m http.server 9123");
    }

}

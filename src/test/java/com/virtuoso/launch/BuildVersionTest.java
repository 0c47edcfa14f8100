package com.virtuoso.launch;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BuildVersionTest {

    @Test
    void theBuildInfoGivesVersionAndTime() throws Exception {
        BuildVersion version = BuildVersion.read(new ByteArrayInputStream(
                "build.version=1.2.3\nbuild.time=2026-11-27T10\\:00\\:00Z\nbuild.name=Virtuoso\n"
                    .getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(version.describe()).isEqualTo("Virtuoso 1.2.3 (built 2026-11-27T10:00:00Z)");
    }

    @Test
    void withoutBuildInfoTheVersionIsSaidToBeUnknown() throws Exception {
        assertThat(BuildVersion.read(null).describe())
            .isEqualTo("Virtuoso (version unknown: these classes come without META-INF/build-info.properties)");
    }

    @Test
    void theBuildWritesItsBuildInfo() {
        assertThat(BuildVersion.current().version()).isNotNull();
    }

}

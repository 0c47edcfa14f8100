package com.virtuoso.config;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The port is set in the text of a {@code .properties} file on the line Spring reads it from, and
 * every other byte stays.
 */
class PortSettingsPropertiesTest {

    private static final Path FILE = Path.of("application.properties");

    @Test
    void eachSeparatorStaysAsItWas() {
        assertThat(edit("server.port=8000\n", "server.port", 9100, null)).isEqualTo("server.port=9100\n");
        assertThat(edit("server.port : 8000\n", "server.port", 9100, null)).isEqualTo("server.port : 9100\n");
        assertThat(edit("  server.port 8000\n", "server.port", 9100, null)).isEqualTo("  server.port 9100\n");
        assertThat(edit("server.port\n", "server.port", 9100, null)).isEqualTo("server.port=9100\n");
        assertThat(edit("server.port=\nb=2\n", "server.port", 9100, null)).isEqualTo("server.port=9100\nb=2\n");
    }

    @Test
    void aRelaxedKeyIsFoundAsSpringFindsItAndAValueContinuedOverLinesBecomesOneLine() {
        assertThat(edit("web-server.port=80\\\n  00\r\nb=2\r\n", "web-server.port", 9100, null))
            .isEqualTo("web-server.port=9100\r\nb=2\r\n");
        assertThat(edit("WEB_SERVER_PORT=1\nweb_server.port=8000\n", "web-server.port", 9100, null))
            .isEqualTo("WEB_SERVER_PORT=1\nweb_server.port=9100\n");
    }

    @Test
    void theLastOfTwoLinesForTheKeyIsTheOneSpringReadsAndTheOneEdited() {
        assertThat(edit("server.port=8000\nserver.port=8001\n", "server.port", 9100, null))
            .isEqualTo("server.port=8000\nserver.port=9100\n");
    }

    @Test
    void aMissingKeyGoesAfterTheLastSettingAndAFileWithoutLastLineEndGetsOne() {
        assertThat(edit("a=1\n# the end\n", "web-server.port", 9100, List.of(9101)))
            .isEqualTo("a=1\nweb_server.fallback_ports=9101\nweb_server.port=9100\n# the end\n");
        assertThat(edit("server.port=8000", "server.port", 9100, List.of(9101, 0)))
            .isEqualTo("server.port=9100\nweb_server.fallback_ports=9101,0\n");
        assertThat(edit("", "web-server.port", 9100, null)).isEqualTo("web_server.port=9100\n");
        assertThat(edit("a=1\nserver.port", "server.port", 9100, null)).isEqualTo("a=1\nserver.port=9100");
    }

    @Test
    void inSeveralDocumentsTheOneThatSuppliesThePortIsEdited() {
        String text = "server.port=8000\n#---\nspring.config.activate.on-profile=prod\nserver.port=8001\n";
        assertThat(PortSettingsProperties.apply(text, "server.port", 9100, List.of(9101), 3, FILE).text())
            .isEqualTo("server.port=8000\n#---\nspring.config.activate.on-profile=prod\nserver.port=9100\n"
                    + "web_server.fallback_ports=9101\n");
        assertThatExceptionOfType(UnusableConfigFileException.class)
            .isThrownBy(() -> PortSettingsProperties.apply(text, "web-server.port", 9100, null, null, FILE))
            .withMessageContaining("holds 2 documents (separated by #---)")
            .withMessageContaining("Nothing was changed");
    }

    @Test
    void aBrokenEscapeIsRefused() {
        assertThatExceptionOfType(UnusableConfigFileException.class)
            .isThrownBy(() -> edit("a=\\uZZZZ\nserver.port=8000\n", "server.port", 9100, null))
            .withMessage("application.properties cannot be read as properties: line 1 holds a malformed \\uXXXX "
                    + "escape. Fix: write a character as \\u and four hex digits (\\u00e9, say), a backslash as \\\\. "
                    + "Nothing was changed.");
    }

    @Test
    void aListWithEmptyBracketsGivesWayToOneLine() {
        // Spring reads key[]=a,b as key[0] and key[1], both on the one line
        assertThat(edit("web_server.fallback_ports[]=8001,8002\nserver.port=8000\n", "server.port", 9000,
                List.of(9001)))
            .isEqualTo("web_server.fallback_ports=9001\nserver.port=9000\n");
        assertThat(edit("web_server.fallback_ports[]=8001,\\\n  8002\nb=2\nweb_server.fallback_ports[2]=8003\n",
                "web-server.port", 9000, List.of(9001)))
            .isEqualTo("web_server.fallback_ports=9001\nb=2\nweb_server.port=9000\n");
    }

    @Test
    void anEditThatWouldChangeWhatSpringReadsIsRefusedWithTheFix() {
        // a key continued on the next line, and a last value that swallows the line added after it
        for (String text : List.of("server.\\\nport=8000\n", "a=1\\\n")) {
            assertThatExceptionOfType(UnusableConfigFileException.class).as(text)
                .isThrownBy(() -> PortSettingsProperties.apply(text, "server.port", 9100, List.of(9101), null, FILE))
                .withMessageContaining("Cannot set server.port to 9100 in application.properties")
                .withMessageContaining("Fix: set server.port=9100 and web_server.fallback_ports=9101 in "
                        + "application.properties by hand. Nothing was changed.");
        }
    }

    private static String edit(String text, String key, int port, List<Integer> fallbacks) {
        return PortSettingsProperties.apply(text, key, port, fallbacks, null, FILE).text();
    }

}

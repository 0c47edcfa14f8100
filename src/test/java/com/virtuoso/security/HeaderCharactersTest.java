package com.virtuoso.security;

import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.test.util.ReflectionTestUtils;

import com.virtuoso.testing.FreePorts;
import com.virtuoso.testing.InProcessServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The header checks accept exactly what Spring Security's own regular expressions accept, for
 * every code point, and the server's firewall uses them.
 */
class HeaderCharactersTest {

    /** StrictHttpFirewall's patterns (spring-security-web 7.0). */
    private static final Pattern NAMES = Pattern.compile("[\\p{IsAssigned}&&[^\\p{IsControl}]]*");

    private static final Pattern VALUES = Pattern.compile("[\\p{IsAssigned}&&[[^\\p{IsControl}]||\\t]]*");

    @TempDir
    Path state;

    @Test
    void everyCodePointIsJudgedAsTheFirewallsPatternsJudgeIt() {
        IntStream.rangeClosed(0, Character.MAX_CODE_POINT).forEach((codePoint) -> {
            String text = "a" + Character.toString(codePoint) + "b";
            assertThat(HeaderCharacters.NAME.test(text)).as("U+%04X in a name", codePoint)
                .isEqualTo(NAMES.matcher(text).matches());
            assertThat(HeaderCharacters.VALUE.test(text)).as("U+%04X in a value", codePoint)
                .isEqualTo(VALUES.matcher(text).matches());
        });
    }

    @Test
    void loneSurrogatesAndEmptyStringsAreJudgedAlike() {
        for (String text : new String[] { "", "\uD800", "x\uDC00", "\uDBFF\uDFFF", "\uD83D\uDE00 ok", "\t", "a\u007fb" }) {
            assertThat(HeaderCharacters.NAME.test(text)).as(text).isEqualTo(NAMES.matcher(text).matches());
            assertThat(HeaderCharacters.VALUE.test(text)).as(text).isEqualTo(VALUES.matcher(text).matches());
        }
    }

    @Test
    void theServersFirewallUsesThem() throws Exception {
        try (InProcessServer server = InProcessServer.start(state, "--web_server.port=" + FreePorts.pick())) {
            // Spring Security's composite proxy wraps the one WebSecurity built, which holds the firewall
            Object built = ReflectionTestUtils.getField(server.context().getBean(FilterChainProxy.class),
                    "springSecurityFilterChain");
            Object firewall = ReflectionTestUtils.getField(built, "firewall");
            assertThat(firewall).isInstanceOf(StrictHttpFirewall.class)
                .isSameAs(server.context().getBean(StrictHttpFirewall.class));
        }
    }

}

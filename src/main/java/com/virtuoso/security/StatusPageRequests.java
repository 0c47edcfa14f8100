package com.virtuoso.security;

import java.util.stream.Stream;

import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The status page's URLs on the main server: the page, the report its script refreshes from, and
 * its script and style. Exact paths, so that no route of the trading API comes under the
 * security chain with them.
 */
public final class StatusPageRequests {

    /** The page. */
    public static final String PAGE = "/";

    /** The page's facts as JSON, which its script reads every few seconds. */
    public static final String REPORT = "/status/report";

    /** The page's script, from {@code static/} in the jar. */
    public static final String SCRIPT = "/status/page.js";

    /** The page's style, from {@code static/} in the jar. */
    public static final String STYLE = "/status/page.css";

    /**
     * {@code /?sign-in}: the page, after a challenge for credentials when the client brought none.
     * A browser shows no login prompt before a challenge, and one answered at {@code /} sends the
     * credentials again for the report below it.
     */
    public static final String SIGN_IN_PARAMETER = "sign-in";

    private StatusPageRequests() {
    }

    /** Reads (GET, HEAD) of the page, its report and its assets; other methods stay the trading API's. */
    static RequestMatcher all() {
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        return new OrRequestMatcher(Stream.of(PAGE, REPORT, SCRIPT, STYLE)
            .flatMap((path) -> Stream.<RequestMatcher>of(paths.matcher(HttpMethod.GET, path), paths.matcher(HttpMethod.HEAD, path)))
            .toList());
    }

    /** {@code /?sign-in}, the one status page request that needs credentials from a remote client. */
    static RequestMatcher signIn() {
        return new AndRequestMatcher(PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, PAGE),
                (request) -> request.getParameter(SIGN_IN_PARAMETER) != null);
    }

}

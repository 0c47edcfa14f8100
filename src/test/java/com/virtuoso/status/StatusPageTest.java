package com.virtuoso.status;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.virtuoso.history.ConflictRecord;
import com.virtuoso.ports.BindOutcome;
import com.virtuoso.ports.ConflictResult;
import com.virtuoso.ports.PortAttempt;
import com.virtuoso.ports.PortHolder;
import com.virtuoso.server.PortMonitor;
import com.virtuoso.server.PortsEndpoint.PortsReport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page as the server renders it: the facts readable without JavaScript, and every text from
 * another process escaped.
 */
class StatusPageTest {

    private static final Instant START = Instant.parse("2026-11-26T10:00:00Z");

    private static final String HOSTILE = "python3 -c '<script>alert(\"pwned\")</script>' & <img src=x onerror=y>";

    private static final PortHolder HOLDER = new PortHolder(4242, "mallory<b>", START.minusSeconds(60), HOSTILE);

    @Test
    void aFallBackShowsEveryActivePortThePrimaryItsHolderAndTheAttempts() {
        String html = StatusPage.render(StatusView.of("UP", fellBack(monitor(List.of(8001), HOLDER), List.of())));

        assertThat(html).contains("<dd id=\"listening\">127.0.0.1: 8001</dd>")
            .contains("<dd id=\"primary\">8000</dd>")
            .contains("<dd id=\"fallbacks\">8001, 8002 (fallback on)</dd>")
            .contains("<dd id=\"fell-back\">yes: from 8000 to 8001 at start</dd>")
            .contains("<dd id=\"primary-holder\">PID 4242 (mallory&lt;b&gt;): python3")
            .contains("<td>8000</td><td>in use</td><td>2026-11-26 10:00:00Z</td><td>4242</td>")
            .contains("<td>8001</td><td>bound</td>")
            .contains("<p id=\"history-summary\">No conflict recorded.</p>");
    }

    @Test
    void aHolderWhoseCommandLineHoldsMarkupShowsItAsText() {
        ConflictRecord record = new ConflictRecord(START, 77, 8000, 8001, ConflictResult.FELL_BACK, attempts());
        String html = StatusPage.render(StatusView.of("UP", fellBack(monitor(List.of(8001), HOLDER), List.of(record))));

        assertThat(html).doesNotContain("<script>alert").doesNotContain("<img").doesNotContain("<b>");
        assertThat(html).contains("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;")
            .contains("&#39;")
            .contains("&amp; &lt;img src=x onerror=y&gt;");
        // the page's own script is the only one, from the jar
        assertThat(html.split("<script", -1)).hasSize(2);
        assertThat(html).contains("<script src=\"status/page.js\" defer></script>");
    }

    @Test
    void afterAReclaimThePrimaryIsListedAndHeldByThisServer() {
        PortMonitor.State reclaimed = new PortMonitor.State(List.of(8000, 8001), 8000, START.plusSeconds(30),
                List.of(), List.of(), START.plusSeconds(31), null, null);
        PortsReport report = new PortsReport("127.0.0.1", 8000, 8001, List.of(8000, 8001), true, 8000,
                List.of(8001, 8002), true, attempts(), List.of(), null, reclaimed, null, null, List.of());

        String html = StatusPage.render(StatusView.of("UP", report));

        assertThat(html).contains("<dd id=\"listening\">127.0.0.1: 8000, 8001</dd>")
            .contains("<dd id=\"fell-back\">yes: from 8000 to 8001 at start; primary port reclaimed at "
                    + "2026-11-26 10:00:30Z</dd>")
            .contains("<dd id=\"primary-holder\">this server, which listens on it</dd>");
    }

    @Test
    void theHistoryIsDrawnAlongTimeOneLanePerResultWithTheTableBelow() {
        List<ConflictRecord> newestFirst = List.of(
                new ConflictRecord(START.plusSeconds(200), 3, 8000, null, ConflictResult.CONFLICT_STRICT, attempts()),
                new ConflictRecord(START.plusSeconds(100), 2, 8000, null, ConflictResult.EXHAUSTED, attempts()),
                new ConflictRecord(START, 1, 8000, 8001, ConflictResult.FELL_BACK, attempts()));

        StatusView view = StatusView.of("UP", fellBack(monitor(List.of(8001), null), newestFirst));
        String html = StatusPage.render(view);

        assertThat(view.details().timeline().marks()).extracting(StatusView.Mark::x)
            .containsExactly(StatusView.TIMELINE_RIGHT, (StatusView.TIMELINE_LEFT + StatusView.TIMELINE_RIGHT) / 2,
                    StatusView.TIMELINE_LEFT);
        assertThat(view.details().timeline().marks()).extracting(StatusView.Mark::y).doesNotHaveDuplicates();
        assertThat(html).contains("<svg id=\"timeline\"")
            .contains("class=\"mark strict\"><title>2026-11-26 10:03:20Z: primary taken, fallback off, PID 3")
            .contains("class=\"mark exhausted\"><title>2026-11-26 10:01:40Z: every port taken, PID 2")
            .contains("class=\"mark fell-back\"><title>2026-11-26 10:00:00Z: fell back, PID 1, primary 8000, got 8001")
            .contains(">fall backs</text>")
            .contains(">exhaustions</text>")
            .contains(">strict failures</text>")
            .contains("<p id=\"history-summary\">3 conflicts recorded, newest first.</p>")
            .contains("<td>2026-11-26 10:00:00Z</td><td>1</td><td>8000</td><td>8001</td><td>fell back</td>"
                    + "<td>8000 in use by PID 4242 (mallory&lt;b&gt;): python3");
        // no inline style: the page's policy would block it
        assertThat(html).doesNotContain("style=");
    }

    @Test
    void theStatusOnlyPageNamesNoPortNoProcessAndOffersToSignIn() {
        String html = StatusPage.render(StatusView.statusOnly("UP"));

        assertThat(html).contains("<strong id=\"status\" class=\"status status-UP\">UP</strong>")
            .contains("<a href=\"?sign-in\">Sign in</a>")
            .doesNotContain("id=\"details\"")
            .doesNotContain("PID")
            .doesNotContainPattern("[0-9]{4}");
    }

    private static List<PortAttempt> attempts() {
        return List.of(new PortAttempt(8000, BindOutcome.IN_USE, START, HOLDER, "in use by " + HOLDER.describe()),
                PortAttempt.bound(8001, START));
    }

    private static PortMonitor.State monitor(List<Integer> active, PortHolder primaryHolder) {
        return new PortMonitor.State(active, null, null, List.of(), List.of(), START.plusSeconds(5), primaryHolder,
                null);
    }

    private static PortsReport fellBack(PortMonitor.State monitor, List<ConflictRecord> history) {
        return new PortsReport("127.0.0.1", 8000, 8001, monitor.activePorts(), true, null, List.of(8001, 8002), true,
                attempts(), List.of(), null, monitor, null, null, history);
    }

}

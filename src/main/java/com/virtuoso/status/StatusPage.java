package com.virtuoso.status;

import java.util.List;

import com.virtuoso.ports.ConflictResult;
import com.virtuoso.security.StatusPageRequests;

/**
 * The status page as HTML, rendered on the server so that it reads with JavaScript off. Every
 * text goes through {@link #escape}, whatever its source: command lines and users come from other
 * processes. Its script and style come from the jar ({@code static/status/}); the page loads
 * nothing else.
 */
final class StatusPage {

    /** Seconds between two refreshes by the page's script; also said on the page. */
    static final int REFRESH_SECONDS = 3;

    private static final List<String> ATTEMPT_COLUMNS = List.of("Port", "Outcome", "At", "Holder PID", "User",
            "Command", "Detail");

    private static final List<String> HISTORY_COLUMNS = List.of("At", "PID", "Primary", "Got", "Result",
            "What each bind did");

    private StatusPage() {
    }

    static String render(StatusView view) {
        StringBuilder html = new StringBuilder(8192);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .append("<title>Virtuoso: ")
            .append(escape(view.status()))
            .append("</title>\n")
            // relative: right under a servlet context path too
            .append("<link rel=\"stylesheet\" href=\"")
            .append(relative(StatusPageRequests.STYLE))
            .append("\">\n<script src=\"")
            .append(relative(StatusPageRequests.SCRIPT))
            .append("\" defer></script>\n</head>\n<body data-report=\"")
            .append(relative(StatusPageRequests.REPORT))
            .append("\" data-refresh-seconds=\"")
            .append(REFRESH_SECONDS)
            .append("\">\n<header>\n<h1>Virtuoso</h1>\n<p class=\"status-line\">Status: <strong id=\"status\" ")
            .append("class=\"status status-")
            .append(escape(view.status()))
            .append("\">")
            .append(escape(view.status()))
            .append("</strong> <span id=\"refresh\" class=\"refresh\"></span></p>\n</header>\n");
        if (view.details() != null) {
            details(html, view.details());
        }
        else {
            html.append("<main>\n<p>Clients on this machine, and clients with the configured credentials, see where ")
                .append("the server listens, who holds its ports and the conflict history here. <a href=\"?")
                .append(StatusPageRequests.SIGN_IN_PARAMETER)
                .append("\">Sign in</a></p>\n</main>\n");
        }
        return html.append("</body>\n</html>\n").toString();
    }

    private static void details(StringBuilder html, StatusView.Details details) {
        html.append("<main id=\"details\">\n<section>\n<h2>Where it listens</h2>\n<dl class=\"facts\">\n");
        fact(html, "Listening on", "listening", details.listening());
        fact(html, "Primary port", "primary", details.primary());
        fact(html, "Fallback ports", "fallbacks", details.fallbacks());
        fact(html, "Fell back", "fell-back", details.fellBack());
        fact(html, "Primary port held by", "primary-holder", details.primaryHolder());
        fact(html, "Monitor checked", "checked-at", details.checkedAt());
        html.append("</dl>\n</section>\n<section>\n<h2>This start's attempts</h2>\n");
        table(html, "attempts", ATTEMPT_COLUMNS, details.attempts());
        html.append("</section>\n<section>\n<h2>Conflict history</h2>\n<p id=\"history-summary\">")
            .append(escape(details.historySummary()))
            .append("</p>\n");
        timeline(html, details.timeline());
        table(html, "history", HISTORY_COLUMNS, details.history());
        html.append("</section>\n<p class=\"refresh-note\">Refreshes itself every ")
            .append(REFRESH_SECONDS)
            .append(" s with JavaScript on; reload it otherwise.</p>\n</main>\n");
    }

    private static void fact(StringBuilder html, String name, String id, String value) {
        html.append("<dt>")
            .append(escape(name))
            .append("</dt><dd id=\"")
            .append(id)
            .append("\">")
            .append(escape(value))
            .append("</dd>\n");
    }

    private static void table(StringBuilder html, String id, List<String> columns, List<List<String>> rows) {
        html.append("<table>\n<thead><tr>");
        columns.forEach((column) -> html.append("<th>").append(escape(column)).append("</th>"));
        html.append("</tr></thead>\n<tbody id=\"").append(id).append("\">\n");
        for (List<String> row : rows) {
            html.append("<tr>");
            row.forEach((cell) -> html.append("<td>").append(escape(cell)).append("</td>"));
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table>\n");
    }

    /** Presentation attributes only: the page's policy allows no inline style. */
    private static void timeline(StringBuilder html, StatusView.Timeline timeline) {
        int right = StatusView.TIMELINE_RIGHT;
        html.append("<svg id=\"timeline\" class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
            .append(StatusView.TIMELINE_WIDTH)
            .append(' ')
            .append(StatusView.TIMELINE_HEIGHT)
            .append("\" role=\"img\" aria-labelledby=\"timeline-title\">\n")
            .append("<title id=\"timeline-title\">Recorded conflicts along time: fall backs, exhaustions and ")
            .append("strict failures; the table below lists them</title>\n");
        lane(html, ConflictResult.FELL_BACK, "fall backs", right);
        lane(html, ConflictResult.EXHAUSTED, "exhaustions", right);
        lane(html, ConflictResult.CONFLICT_STRICT, "strict failures", right);
        html.append("<g id=\"timeline-marks\">\n");
        for (StatusView.Mark mark : timeline.marks()) {
            html.append("<circle cx=\"")
                .append(mark.x())
                .append("\" cy=\"")
                .append(mark.y())
                .append("\" r=\"6\" class=\"mark ")
                .append(escape(mark.kind()))
                .append("\"><title>")
                .append(escape(mark.label()))
                .append("</title></circle>\n");
        }
        int timesY = StatusView.TIMELINE_HEIGHT - 4;
        html.append("</g>\n<text id=\"timeline-from\" class=\"time\" x=\"")
            .append(StatusView.TIMELINE_LEFT)
            .append("\" y=\"")
            .append(timesY)
            .append("\">")
            .append(escape(timeline.from()))
            .append("</text>\n<text id=\"timeline-to\" class=\"time\" text-anchor=\"end\" x=\"")
            .append(right)
            .append("\" y=\"")
            .append(timesY)
            .append("\">")
            .append(escape(timeline.to()))
            .append("</text>\n</svg>\n");
    }

    private static void lane(StringBuilder html, ConflictResult result, String name, int right) {
        int y = StatusView.lane(result);
        html.append("<line class=\"lane ")
            .append(StatusView.kind(result))
            .append("\" x1=\"")
            .append(StatusView.TIMELINE_LEFT)
            .append("\" x2=\"")
            .append(right)
            .append("\" y1=\"")
            .append(y)
            .append("\" y2=\"")
            .append(y)
            .append("\"/>\n<text class=\"lane-name\" x=\"0\" y=\"")
            .append(y + 4)
            .append("\">")
            .append(escape(name))
            .append("</text>\n");
    }

    /** A path of the page's, relative to the page at {@code /}. */
    private static String relative(String path) {
        return escape(path.substring(1));
    }

    /** Text fit for an HTML element or a quoted attribute value. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

}

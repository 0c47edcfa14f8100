package com.virtuoso.status;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import com.virtuoso.history.ConflictRecord;
import com.virtuoso.ports.BindOutcome;
import com.virtuoso.ports.ConflictResult;
import com.virtuoso.ports.PortAttempt;
import com.virtuoso.ports.PortHolder;
import com.virtuoso.server.PortMonitor;
import com.virtuoso.server.PortsEndpoint.PortsReport;

/**
 * What the status page says, in words, made from the report of {@code /actuator/ports}: the page
 * is rendered from it, and its script refreshes from it as JSON, setting each text as it is. One
 * wording for both, so a refresh never changes how a fact is said.
 *
 * @param status the health status, which every client may see
 * @param details the rest, or {@code null} for a client that may see the status only
 */
public record StatusView(String status, Details details) {

    /** Width of the timeline's drawing, in SVG user units. */
    static final int TIMELINE_WIDTH = 800;

    /** Height of the timeline's drawing: one lane per result. */
    static final int TIMELINE_HEIGHT = 110;

    /** Where marks start, right of the lane names. */
    static final int TIMELINE_LEFT = 130;

    /** Where marks end. */
    static final int TIMELINE_RIGHT = TIMELINE_WIDTH - 12;

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss'Z'")
        .withZone(ZoneOffset.UTC);

    /**
     * Everything but the status.
     *
     * @param listening where the server listens: address, every active port, additional and
     * management ports, and ports it lost
     * @param primary the configured port
     * @param fallbacks the fallback ports, and whether fallback is on
     * @param fellBack whether this start fell back, to which port, and whether the primary was
     * reclaimed since
     * @param primaryHolder who holds the primary port now, as the monitor saw at its last check
     * @param checkedAt when the monitor checked last
     * @param attempts this start's binds: port, outcome, time, holder PID, user, command, detail
     * @param timeline the conflict history as marks on a timeline
     * @param historySummary how many conflicts are recorded
     * @param history the conflict history, newest first: time, PID, primary, port got, result,
     * what each bind did
     */
    public record Details(String listening, String primary, String fallbacks, String fellBack, String primaryHolder,
            String checkedAt, List<List<String>> attempts, Timeline timeline, String historySummary,
            List<List<String>> history) {
    }

    /**
     * The conflict history drawn along time, one lane per result.
     *
     * @param from when the oldest recorded conflict happened, or empty
     * @param to when the newest happened, or empty
     * @param marks one per conflict
     */
    public record Timeline(String from, String to, List<Mark> marks) {
    }

    /**
     * One conflict on the timeline.
     *
     * @param x where along time, in SVG user units
     * @param y the lane of its result
     * @param kind {@code fell-back}, {@code exhausted} or {@code strict}, for the style
     * @param label the conflict in words, the mark's tooltip
     */
    public record Mark(int x, int y, String kind, String label) {
    }

    static StatusView statusOnly(String status) {
        return new StatusView(status, null);
    }

    static StatusView of(String status, PortsReport report) {
        List<ConflictRecord> history = report.history();
        return new StatusView(status,
                new Details(listening(report), Integer.toString(report.primaryPort()), fallbacks(report),
                        fellBack(report), primaryHolder(report), time(report.monitor().checkedAt(), "not yet"),
                        report.attempts().stream().map(StatusView::attemptRow).toList(), timeline(history),
                        history.isEmpty() ? "No conflict recorded."
                                : history.size() + ((history.size() == 1) ? " conflict" : " conflicts")
                                        + " recorded, newest first.",
                        history.stream().map(StatusView::historyRow).toList()));
    }

    /** The lane of a result, top to bottom: fall backs, exhaustions, strict failures. */
    static int lane(ConflictResult result) {
        return switch (result) {
            case FELL_BACK -> 22;
            case EXHAUSTED -> 50;
            case CONFLICT_STRICT -> 78;
        };
    }

    static String kind(ConflictResult result) {
        return switch (result) {
            case FELL_BACK -> "fell-back";
            case EXHAUSTED -> "exhausted";
            case CONFLICT_STRICT -> "strict";
        };
    }

    private static String listening(PortsReport report) {
        if (report.activePort() == null) {
            return "not listening yet";
        }
        List<String> ports = new ArrayList<>(report.activePorts().stream().map(String::valueOf).toList());
        report.additionalPorts()
            .stream()
            .filter((attempt) -> attempt.outcome().listening())
            .forEach((attempt) -> ports.add(attempt.port() + " (additional)"));
        StringBuilder text = new StringBuilder(report.host()).append(": ").append(String.join(", ", ports));
        if (report.inheritedSocket() != null) {
            text.append(" (a socket from the service manager, ").append(report.inheritedSocket().source()).append(')');
        }
        if (report.management() != null) {
            text.append("; management: ")
                .append((report.management().activePort() != null) ? report.management().activePort() : "none");
        }
        PortMonitor.State monitor = report.monitor();
        if (!monitor.missing().isEmpty()) {
            text.append("; no longer listening on ").append(join(monitor.missing()));
        }
        if (!monitor.unknown().isEmpty()) {
            text.append("; cannot tell whether it listens on ").append(join(monitor.unknown()));
        }
        return text.toString();
    }

    private static String fallbacks(PortsReport report) {
        String ports = report.fallbackPorts().isEmpty() ? "none" : join(report.fallbackPorts());
        return ports + (report.autoFallback() ? " (fallback on)" : " (fallback off)");
    }

    private static String fellBack(PortsReport report) {
        if (report.activePort() == null) {
            return "not listening yet";
        }
        if (!report.fellBack()) {
            return "no";
        }
        String text = "yes: from " + report.primaryPort() + " to " + report.activePort() + " at start";
        if (report.reclaimedPort() != null) {
            Instant reclaimedAt = report.monitor().reclaimedAt();
            text += "; primary port reclaimed" + ((reclaimedAt != null) ? " at " + time(reclaimedAt, "") : "");
        }
        return text;
    }

    private static String primaryHolder(PortsReport report) {
        PortMonitor.State monitor = report.monitor();
        if (report.activePorts().contains(report.primaryPort())) {
            return "this server, which listens on it";
        }
        if (monitor.primaryHolder() != null) {
            return holder(monitor.primaryHolder());
        }
        if (monitor.primaryHolderUnknown() != null) {
            return "unknown: " + monitor.primaryHolderUnknown();
        }
        return (monitor.checkedAt() != null) ? "nobody (free)" : "not checked yet";
    }

    private static String holder(PortHolder holder) {
        return "PID " + holder.pid() + " (" + holder.user() + "): " + holder.command();
    }

    private static List<String> attemptRow(PortAttempt attempt) {
        PortHolder holder = attempt.holder();
        return List.of(Integer.toString(attempt.port()), outcome(attempt.outcome()), time(attempt.at(), ""),
                (holder != null) ? Long.toString(holder.pid()) : "", (holder != null) ? text(holder.user()) : "",
                (holder != null) ? text(holder.command()) : "", text(attempt.detail()));
    }

    private static List<String> historyRow(ConflictRecord record) {
        String binds = record.attempts()
            .stream()
            .map((attempt) -> attempt.port() + " " + outcome(attempt.outcome())
                    + ((attempt.holder() != null) ? " by " + holder(attempt.holder()) : ""))
            .collect(Collectors.joining("; "));
        return List.of(time(record.at(), ""), Long.toString(record.pid()), Integer.toString(record.primaryPort()),
                (record.activePort() != null) ? record.activePort().toString() : "none", result(record.result()),
                binds);
    }

    private static Timeline timeline(List<ConflictRecord> newestFirst) {
        if (newestFirst.isEmpty()) {
            return new Timeline("", "", List.of());
        }
        Instant oldest = newestFirst.stream().map(ConflictRecord::at).min(Comparator.naturalOrder()).orElseThrow();
        Instant newest = newestFirst.stream().map(ConflictRecord::at).max(Comparator.naturalOrder()).orElseThrow();
        double span = newest.toEpochMilli() - oldest.toEpochMilli();
        List<Mark> marks = newestFirst.stream().map((record) -> {
            // one conflict, or all at one moment: in the middle
            double along = (span > 0) ? (record.at().toEpochMilli() - oldest.toEpochMilli()) / span : 0.5;
            int x = TIMELINE_LEFT + (int) Math.round(along * (TIMELINE_RIGHT - TIMELINE_LEFT));
            String label = time(record.at(), "") + ": " + result(record.result()) + ", PID " + record.pid()
                    + ", primary " + record.primaryPort()
                    + ((record.activePort() != null) ? ", got " + record.activePort() : "");
            return new Mark(x, lane(record.result()), kind(record.result()), label);
        }).toList();
        return new Timeline(time(oldest, ""), time(newest, ""), marks);
    }

    private static String outcome(BindOutcome outcome) {
        return outcome.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static String result(ConflictResult result) {
        return switch (result) {
            case FELL_BACK -> "fell back";
            case EXHAUSTED -> "every port taken";
            case CONFLICT_STRICT -> "primary taken, fallback off";
        };
    }

    private static String time(Instant at, String whenNone) {
        return (at != null) ? TIME.format(at) : whenNone;
    }

    private static String text(String value) {
        return (value != null) ? value : "";
    }

    private static String join(List<Integer> ports) {
        return ports.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

}

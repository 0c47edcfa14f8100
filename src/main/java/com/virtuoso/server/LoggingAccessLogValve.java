package com.virtuoso.server;

import java.io.CharArrayWriter;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.AbstractAccessLogValve;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tomcat's access log, one line per request, handed to the logger {@value #LOGGER_NAME} instead
 * of a file of its own. Tomcat's {@code AccessLogValve} on {@code /dev/stdout} opened a second
 * descriptor on whatever standard output was: redirected to a file, its writes and the server
 * log's landed at two different offsets and overwrote each other, and under systemd the journal
 * socket cannot be reopened at all. Through the logging system both share one stream, each line
 * written whole.
 */
public class LoggingAccessLogValve extends AbstractAccessLogValve {

    /** The logger the lines go to, at INFO: turn it off, or send it elsewhere, like any other. */
    public static final String LOGGER_NAME = "virtuoso.access";

    /** Common Log Format and the time taken, as the access log has always been written. */
    public static final String PATTERN = "%h %l %u %t \"%r\" %s %b %{ms}Tms";

    /**
     * What ends each line of the management server on a port of its own, whose requests would
     * otherwise read as the trading server's: the pattern has no local port.
     */
    public static final String MANAGEMENT_MARK = " management";

    /** SLF4J, not Commons Logging like the rest: one bridge less on a line written for every request. */
    private final Logger logger = LoggerFactory.getLogger(LOGGER_NAME);

    /** The trading server's access log, in {@link #PATTERN}. */
    public LoggingAccessLogValve() {
        this(PATTERN);
    }

    private LoggingAccessLogValve(String pattern) {
        setPattern(pattern);
    }

    /** The management server's access log: {@link #PATTERN} and {@link #MANAGEMENT_MARK}. */
    static LoggingAccessLogValve forManagement() {
        return new LoggingAccessLogValve(PATTERN + MANAGEMENT_MARK);
    }

    /** Not even formatted when the logger is off. */
    @Override
    public void log(Request request, Response response, long time) {
        if (this.logger.isInfoEnabled()) {
            super.log(request, response, time);
        }
    }

    @Override
    protected void log(CharArrayWriter message) {
        this.logger.info(message.toString());
    }

}

package com.virtuoso.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import org.springframework.util.ClassUtils;

/**
 * Writes the lines of {@value LoggingAccessLogValve#LOGGER_NAME} to standard output as they are,
 * without the server log's timestamp, level and thread before them, so that an access line
 * reads as it always has; buffered for a tenth of a second (see {@link BufferedStandardOutputAppender}). Only where Logback is the logging system and nobody configured that
 * logger: an operator's own Logback file that gives it appenders wins.
 */
final class AccessLogLines {

    static final String APPENDER_NAME = "VIRTUOSO_ACCESS";

    private static final boolean LOGBACK_PRESENT = ClassUtils.isPresent("ch.qos.logback.classic.LoggerContext",
            AccessLogLines.class.getClassLoader());

    private AccessLogLines() {
    }

    /**
     * Attaches the plain, buffered console appender; a no-op when it is already there (the server started
     * before in this JVM, where the logging system is initialised once).
     */
    static void attach() {
        if (!LOGBACK_PRESENT) {
            return;
        }
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            attach(context);
        }
    }

    private static void attach(LoggerContext context) {
        Logger logger = context.getLogger(LoggingAccessLogValve.LOGGER_NAME);
        synchronized (logger) {
            if (logger.iteratorForAppenders().hasNext() || !logger.isAdditive()) {
                return;
            }
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern("%m%n");
            encoder.start();
            BufferedStandardOutputAppender appender = new BufferedStandardOutputAppender();
            appender.setContext(context);
            appender.setName(APPENDER_NAME);
            appender.setEncoder(encoder);
            appender.start();
            logger.addAppender(appender);
            logger.setAdditive(false);
        }
    }

}

package com.virtuoso.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Lines reach standard output whole, many to a write, within a bounded delay, and all of them at
 * a stop. The appender writes to a stream of the test's own, not to a replaced {@link System#out}:
 * console appenders of other Spring contexts alive in this JVM write to whatever {@code System.out}
 * is, and their lines would land in the test's output.
 */
class BufferedStandardOutputAppenderTest {

    private final CountingOutput output = new CountingOutput();

    private final LoggerContext context = new LoggerContext();

    private final PatternLayoutEncoder encoder = new PatternLayoutEncoder();

    private BufferedStandardOutputAppender appender;

    private Logger logger;

    @BeforeEach
    void startAppender() {
        this.context.setMDCAdapter(new LogbackMDCAdapter());
        this.encoder.setContext(this.context);
        this.encoder.setPattern("%m%n");
        this.encoder.start();
        this.appender = new BufferedStandardOutputAppender(BufferedStandardOutputAppender.FLUSH_INTERVAL, this.output);
        this.appender.setContext(this.context);
        this.appender.setEncoder(this.encoder);
        this.appender.start();
        this.logger = this.context.getLogger("test.access");
        this.logger.setAdditive(false);
        this.logger.addAppender(this.appender);
    }

    @AfterEach
    void stopAppender() {
        this.appender.stop();
    }

    @Test
    void linesFromManyThreadsArriveWholeAndManyToAWriteWithinTheInterval() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> sent = IntStream.range(0, 400)
                .<Future<?>>mapToObj((n) -> threads.submit(() -> this.logger.info("line {} {}", n, "x".repeat(60))))
                .toList();
            for (Future<?> line : sent) {
                line.get();
            }
        }
        finally {
            threads.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> this.output.text().lines().count() == 400);
        assertThat(this.output.text().lines())
            .allMatch((line) -> line.matches("line \\d+ x{60}"))
            .map((line) -> Integer.parseInt(line.split(" ")[1]))
            .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 400).boxed().toList());
        // one write each would be 400; 27 KiB of lines fill a 16 KiB buffer about twice
        assertThat(this.output.writes()).isLessThan(40);
    }

    @Test
    void aLineWaitsAtMostAboutTheFlushInterval() {
        this.logger.info("alone");
        await().atMost(BufferedStandardOutputAppender.FLUSH_INTERVAL.multipliedBy(20))
            .until(() -> this.output.text().equals("alone\n"));
    }

    @Test
    void stoppingWritesWhatIsBufferedAndLeavesTheTargetOpen() {
        // an interval no test waits for: only the stop can write the line
        this.appender.stop();
        this.appender = new BufferedStandardOutputAppender(Duration.ofHours(1), this.output);
        this.appender.setContext(this.context);
        this.appender.setEncoder(this.encoder);
        this.appender.start();
        this.logger.detachAndStopAllAppenders();
        this.logger.addAppender(this.appender);
        this.logger.info("last words");
        assertThat(this.output.text()).isEmpty();
        this.appender.stop();
        assertThat(this.output.text()).isEqualTo("last words\n");
        assertThat(this.output.closed()).isFalse();
    }

    /** The bytes written and how many writes brought them. */
    private static final class CountingOutput extends ByteArrayOutputStream {

        private final AtomicInteger writes = new AtomicInteger();

        private volatile boolean closed;

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) {
            this.writes.incrementAndGet();
            super.write(bytes, offset, length);
        }

        synchronized String text() {
            return toString(StandardCharsets.UTF_8);
        }

        int writes() {
            return this.writes.get();
        }

        @Override
        public void close() {
            this.closed = true;
        }

        boolean closed() {
            return this.closed;
        }

    }

}

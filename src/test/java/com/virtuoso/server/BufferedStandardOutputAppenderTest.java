package com.virtuoso.server;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
 * a stop.
 */
class BufferedStandardOutputAppenderTest {

    private final PrintStream original = System.out;

    private final CountingOutput output = new CountingOutput();

    private final LoggerContext context = new LoggerContext();

    private final PatternLayoutEncoder encoder = new PatternLayoutEncoder();

    private BufferedStandardOutputAppender appender;

    private Logger logger;

    @BeforeEach
    void replaceStandardOutput() {
        System.setOut(new PrintStream(this.output, true, StandardCharsets.UTF_8));
        this.context.setMDCAdapter(new LogbackMDCAdapter());
        this.encoder.setContext(this.context);
        this.encoder.setPattern("%m%n");
        this.encoder.start();
        this.appender = new BufferedStandardOutputAppender();
        this.appender.setContext(this.context);
        this.appender.setEncoder(this.encoder);
        this.appender.start();
        this.logger = this.context.getLogger("test.access");
        this.logger.setAdditive(false);
        this.logger.addAppender(this.appender);
    }

    @AfterEach
    void restoreStandardOutput() {
        this.appender.stop();
        System.setOut(this.original);
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
    void stoppingWritesWhatIsBufferedAndLeavesStandardOutputOpen() {
        // an interval no test waits for: only the stop can write the line
        this.appender.stop();
        this.appender = new BufferedStandardOutputAppender(Duration.ofHours(1));
        this.appender.setContext(this.context);
        this.appender.setEncoder(this.encoder);
        this.appender.start();
        this.logger.detachAndStopAllAppenders();
        this.logger.addAppender(this.appender);
        this.logger.info("last words");
        assertThat(this.output.text()).isEmpty();
        this.appender.stop();
        assertThat(this.output.text()).isEqualTo("last words\n");
        System.out.print("still open");
        assertThat(this.output.text()).endsWith("still open");
    }

    /** The bytes written and how many writes brought them. */
    private static final class CountingOutput extends ByteArrayOutputStream {

        private final AtomicInteger writes = new AtomicInteger();

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

    }

}

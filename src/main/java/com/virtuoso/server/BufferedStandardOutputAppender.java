package com.virtuoso.server;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;

/**
 * Standard output as Logback's {@code ConsoleAppender} writes it, but buffered, as Tomcat buffers
 * its own access log: a busy server writes its lines many to a system call instead of one each,
 * and no line waits longer than {@link #FLUSH_INTERVAL}. The buffer holds whole lines only and each
 * write to standard output goes through {@link System#out}, so a line is never cut by the server
 * log or anything else written there.
 * <p>
 * A line may therefore reach the output up to {@link #FLUSH_INTERVAL} after a server log line
 * written later; a process killed with SIGKILL loses the lines of its last interval. A normal
 * stop flushes them (Spring Boot stops the logging system at shutdown).
 */
final class BufferedStandardOutputAppender extends OutputStreamAppender<ILoggingEvent> {

    static final Duration FLUSH_INTERVAL = Duration.ofMillis(100);

    /** About a hundred access lines. */
    private static final int BUFFER_SIZE = 16 * 1024;

    private final Duration flushInterval;

    private final OutputStream target;

    private ScheduledExecutorService flusher;

    BufferedStandardOutputAppender() {
        this(FLUSH_INTERVAL, new StandardOutput());
    }

    /**
     * An appender that writes to {@code target} (which it never closes) instead of standard
     * output. Tests use it: replacing {@link System#out} would also catch lines from every other
     * console appender in the JVM.
     */
    BufferedStandardOutputAppender(Duration flushInterval, OutputStream target) {
        this.flushInterval = flushInterval;
        this.target = target;
    }

    @Override
    public void start() {
        setImmediateFlush(false);
        setOutputStream(new BufferedOutputStream(new Unclosed(this.target), BUFFER_SIZE));
        super.start();
        this.flusher = Executors.newSingleThreadScheduledExecutor((task) -> {
            Thread thread = new Thread(task, "virtuoso-access-log-flush");
            thread.setDaemon(true);
            return thread;
        });
        this.flusher.scheduleWithFixedDelay(this::flush, this.flushInterval.toMillis(), this.flushInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (this.flusher != null) {
            this.flusher.shutdownNow();
        }
        // closes the buffer, which writes what it holds; standard output itself stays open
        super.stop();
    }

    private void flush() {
        this.streamWriteLock.lock();
        try {
            if (isStarted()) {
                getOutputStream().flush();
            }
        }
        catch (IOException | RuntimeException ex) {
            // reported, and the schedule goes on: an exception out of this task would end every later flush
            addError("Could not write access log lines to standard output", ex);
        }
        finally {
            this.streamWriteLock.unlock();
        }
    }

    /** Writes through to a stream that outlives the appender: closing it only flushes. */
    private static final class Unclosed extends OutputStream {

        private final OutputStream target;

        Unclosed(OutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            this.target.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            this.target.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            this.target.flush();
        }

        @Override
        public void close() throws IOException {
            this.target.flush();
        }

    }

    /** Whatever {@link System#out} is at the time of each write (tools replace it). */
    private static final class StandardOutput extends OutputStream {

        @Override
        public void write(int b) {
            System.out.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            System.out.write(bytes, offset, length);
        }

        @Override
        public void flush() {
            System.out.flush();
        }

    }

}

package com.virtuoso.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A listener (python3) that, on SIGTERM, forks a child that keeps its socket and exits, as a
 * server that hands its socket over to a successor does: the port changes hands without ever
 * being free. The test that starts one closes it, which stops the listener and its child by their
 * PIDs, and no other process; a child the test could not stop ends by itself after 5 minutes
 * (SIGALRM). Its standard input cannot tell it to stop: Java closes it as soon as the parent exits.
 * The child lets go of the parent's standard output, so that it ends when the parent does.
 */
public final class HandOverListener implements AutoCloseable {

    private static final String PROGRAM = """
            import os, signal, socket, sys
            listener = socket.socket()
            listener.bind((sys.argv[1], int(sys.argv[2])))
            listener.listen()
            def hand_over(signum, frame):
                child = os.fork()
                if child == 0:
                    signal.signal(signal.SIGTERM, signal.SIG_DFL)
                    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
                    signal.alarm(300)
                    while True:
                        signal.pause()
                print(child, flush=True)
                os._exit(0)
            signal.signal(signal.SIGTERM, hand_over)
            print("READY", flush=True)
            while os.read(0, 4096):
                pass
            """;

    private final Process process;

    private final BufferedReader output;

    private long child;

    private HandOverListener(Process process, BufferedReader output) {
        this.process = process;
        this.output = output;
    }

    /** The listener on {@code host:port}, once it listens. */
    public static HandOverListener start(String host, int port) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("python3", "-c", PROGRAM, host, Integer.toString(port))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        BufferedReader output = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        HandOverListener listener = new HandOverListener(process, output);
        String first = output.readLine(); // null as soon as the program fails: it writes nothing else
        if (!"READY".equals(first)) {
            listener.close();
            throw new IllegalStateException("listener on " + host + ":" + port + " did not start: " + first);
        }
        return listener;
    }

    public long pid() {
        return process.pid();
    }

    /**
     * The child that holds the socket once the listener was sent SIGTERM; waits for the listener
     * to exit (up to 30 s) and reads the PID it printed; empty when it named none or still runs,
     * as it does when nobody sent it SIGTERM.
     */
    public OptionalLong child() throws IOException, InterruptedException {
        if (this.child == 0) {
            if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
                return OptionalLong.empty();
            }
            String line = this.output.readLine();
            this.child = (line != null) ? Long.parseLong(line) : -1;
        }
        return (this.child > 0) ? OptionalLong.of(this.child) : OptionalLong.empty();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        this.process.getOutputStream().close();
        // SIGKILL cannot be caught: no child is made after it; one made before has printed its PID, unless
        // the SIGKILL fell between the fork and the print (that child ends by itself, on its alarm)
        this.process.destroyForcibly().waitFor();
        child();
        if (this.child > 0) {
            ProcessHandle.of(this.child).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

}

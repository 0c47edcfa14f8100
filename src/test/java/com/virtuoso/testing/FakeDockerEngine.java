package com.virtuoso.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Docker Engine that answers every request on a unix socket in the test's directory with one
 * recorded answer (or with nothing, keeping the connection open), and keeps the request lines it
 * was sent. Closing it closes the socket and its thread ends.
 */
public final class FakeDockerEngine implements AutoCloseable {

    private final ServerSocketChannel server;

    private final Path socket;

    private final byte[] answer;

    private final List<String> requests = new CopyOnWriteArrayList<>();

    private final List<SocketChannel> stalled = new CopyOnWriteArrayList<>();

    private final Thread thread;

    private FakeDockerEngine(Path socket, byte[] answer) throws IOException {
        this.socket = socket;
        this.answer = answer;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        this.server.bind(UnixDomainSocketAddress.of(socket));
        this.thread = new Thread(this::serve, "fake-docker-engine");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** An engine on {@code socket} that answers with {@code answer}, byte for byte. */
    public static FakeDockerEngine answering(Path socket, byte[] answer) throws IOException {
        return new FakeDockerEngine(socket, answer);
    }

    /** An engine on {@code socket} that answers with the recorded answer {@code name} under {@code docker-engine/}. */
    public static FakeDockerEngine recorded(Path socket, String name) throws IOException {
        try (InputStream in = FakeDockerEngine.class.getResourceAsStream("/docker-engine/" + name)) {
            if (in == null) {
                throw new IOException("no recorded answer docker-engine/" + name);
            }
            return new FakeDockerEngine(socket, in.readAllBytes());
        }
    }

    /**
     * An engine on {@code socket} that answers with the recorded answer {@code name}, its containers
     * publishing {@code port} where the recording says 53515 (the port of the recording session): the
     * client names only containers that publish the port it asked about. For answers that are not chunked.
     */
    public static FakeDockerEngine recorded(Path socket, String name, int port) throws IOException {
        try (InputStream in = FakeDockerEngine.class.getResourceAsStream("/docker-engine/" + name)) {
            if (in == null) {
                throw new IOException("no recorded answer docker-engine/" + name);
            }
            String[] answer = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\r\n\r\n", 2);
            String body = answer[1].replace("\"PublicPort\":53515", "\"PublicPort\":" + port);
            String head = answer[0].replaceFirst("Content-Length: \\d+",
                    "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length);
            return new FakeDockerEngine(socket, (head + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** An engine on {@code socket} that reads each request and never answers. */
    public static FakeDockerEngine silent(Path socket) throws IOException {
        return new FakeDockerEngine(socket, null);
    }

    public Path socket() {
        return socket;
    }

    /** The request lines received: {@code GET /containers/json?filters=... HTTP/1.1}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void serve() {
        try {
            while (true) {
                SocketChannel client = server.accept();
                requests.add(readRequestLine(client));
                if (answer == null) {
                    stalled.add(client); // closed with the engine
                    continue;
                }
                try (client) {
                    ByteBuffer out = ByteBuffer.wrap(answer);
                    while (out.hasRemaining()) {
                        client.write(out);
                    }
                }
            }
        }
        catch (AsynchronousCloseException ex) {
            // closed by close(): the thread ends
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static String readRequestLine(SocketChannel client) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        ByteBuffer in = ByteBuffer.allocate(1024);
        while (!request.toString(StandardCharsets.US_ASCII).contains("\r\n\r\n") && client.read(in) >= 0) {
            request.write(in.array(), 0, in.position());
            in.clear();
        }
        return request.toString(StandardCharsets.US_ASCII).split("\r\n", 2)[0];
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        for (SocketChannel client : stalled) {
            client.close();
        }
        thread.join(5000);
    }

}

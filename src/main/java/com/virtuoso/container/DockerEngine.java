package com.virtuoso.container;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.StandardProtocolFamily;
import java.net.URLEncoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import com.virtuoso.ports.PublishingAnswer;
import com.virtuoso.ports.PublishingContainer;
import com.virtuoso.ports.PublishingContainers;

/**
 * Asks the Docker Engine API which running containers publish a port, to name the container
 * behind a {@code docker-proxy}: {@code GET /containers/json?filters={"publish":["PORT"]}} over
 * the engine's unix socket, {@code /var/run/docker.sock} or the one {@code DOCKER_HOST} names
 * ({@code unix://PATH}; an engine on {@code tcp://} or {@code ssh://} is not asked, as its
 * containers publish ports on another host).
 * <p>
 * One GET over a unix socket, written here, rather than docker-java: that client brings Apache
 * HttpClient 5, a unix-socket library (JNA or junixsocket) and Jackson 2 beside the Jackson 3
 * already here, megabytes and classes for one request a diagnostic makes now and then.
 * <p>
 * A diagnostic: the whole exchange has a deadline (about a second), so a hung engine never holds
 * up a start or a command, and any failure (no socket, no permission, an error status, a body it
 * cannot read) is answered as "no container named", which callers word as "a Docker-published
 * port". Only the names and ids are read from the answer: a container's command line and
 * environment are never printed.
 */
public final class DockerEngine implements PublishingContainers {

    /** Where the engine listens unless {@code DOCKER_HOST} says otherwise. */
    public static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");

    /** How long one question may take, from connect to the last byte. */
    static final Duration DEADLINE = Duration.ofSeconds(1);

    /** Larger answers are not read: a list of a few containers is a few kilobytes. */
    private static final int MAX_ANSWER = 1 << 20;

    private static final String UNIX = "unix://";

    /** What {@code IP} says for a port published on every address ({@code ""} before Docker 1.13 said it). */
    /** Four decimal octets without leading zeros, as Go writes them; each still checked against 255. */
    private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");

    private static final Pattern IPV6_GROUP = Pattern.compile("[0-9a-fA-F]{1,4}");

    private final Path socket;

    private final Duration deadline;

    /** @param socket the engine's socket, or {@code null} for an engine this client does not ask */
    DockerEngine(Path socket, Duration deadline) {
        this.socket = socket;
        this.deadline = deadline;
    }

    /**
     * The engine {@code DOCKER_HOST} points at, as the {@code docker} command reads the variable:
     * the default socket when it is unset or empty.
     */
    public static DockerEngine of(String host) {
        if (host == null || host.isBlank()) {
            return new DockerEngine(DEFAULT_SOCKET, DEADLINE);
        }
        return new DockerEngine(host.startsWith(UNIX) ? Path.of(host.substring(UNIX.length())) : null, DEADLINE);
    }

    /** The engine's socket, when it is one this client asks. */
    public Optional<Path> socket() {
        return Optional.ofNullable(socket);
    }

    @Override
    public List<PublishingContainer> publishing(int port, Set<InetAddress> addresses) {
        return ask(port, addresses).containers();
    }

    /** Also says whether the engine was reached: a failed or late exchange is, unlike an answer it cannot read. */
    @Override
    public PublishingAnswer ask(int port, Set<InetAddress> addresses) {
        if (socket == null) {
            return PublishingAnswer.answered(List.of());
        }
        String filters = URLEncoder.encode("{\"publish\":[\"" + port + "\"]}", StandardCharsets.UTF_8);
        byte[] answer;
        try {
            answer = exchange("GET /containers/json?filters=" + filters + " HTTP/1.1\r\n"
                    + "Host: docker\r\nUser-Agent: virtuoso\r\nAccept: application/json\r\nConnection: close\r\n\r\n");
        }
        catch (IOException ex) {
            // no socket, no permission, no answer within the deadline: the container is not named
            return PublishingAnswer.unreached();
        }
        try {
            return PublishingAnswer.answered(containers(port, addresses, body(answer)));
        }
        catch (IOException | RuntimeException ex) {
            // the diagnostic's rule: whatever went wrong (Jackson's errors and a bad chunk size are runtime
            // exceptions too), the container is not named, and the port is still told as published
            return PublishingAnswer.answered(List.of());
        }
    }

    /** The engine's whole answer to {@code request}; the engine closes the connection after it. */
    private byte[] exchange(String request) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, 0);
            if (!channel.connect(UnixDomainSocketAddress.of(socket))) {
                await(selector, key, SelectionKey.OP_CONNECT, end);
                channel.finishConnect();
            }
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) {
                if (channel.write(out) == 0) {
                    await(selector, key, SelectionKey.OP_WRITE, end);
                }
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(8192);
            while (channel.read(in) >= 0) {
                if (in.position() == 0) {
                    await(selector, key, SelectionKey.OP_READ, end);
                    continue;
                }
                answer.write(in.array(), 0, in.position());
                in.clear();
                if (answer.size() > MAX_ANSWER) {
                    throw new IOException("the answer is over " + MAX_ANSWER + " bytes");
                }
            }
            return answer.toByteArray();
        }
    }

    /** Waits until the channel is ready for {@code operation}, or throws once {@code end} has passed. */
    private void await(Selector selector, SelectionKey key, int operation, long end) throws IOException {
        key.interestOps(operation);
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("no answer within " + deadline.toMillis() + " ms");
            }
            if (selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))) > 0) {
                selector.selectedKeys().clear();
                return;
            }
        }
    }

    /** The body of a {@code 200} answer, chunked or not. */
    static byte[] body(byte[] answer) throws IOException {
        int headerEnd = indexOf(answer, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
        if (headerEnd < 0) {
            throw new IOException("the answer ends before its headers do");
        }
        String[] head = new String(answer, 0, headerEnd, StandardCharsets.ISO_8859_1).split("\r\n");
        if (!head[0].matches("HTTP/1\\.[01] 200( .*)?")) {
            throw new IOException("the engine answered " + head[0]);
        }
        byte[] body = Arrays.copyOfRange(answer, headerEnd + 4, answer.length);
        boolean chunked = Arrays.stream(head)
            .map((line) -> line.toLowerCase(Locale.ROOT).replace(" ", ""))
            .anyMatch((line) -> line.startsWith("transfer-encoding:") && line.contains("chunked"));
        return chunked ? dechunk(body) : body;
    }

    private static byte[] dechunk(byte[] body) throws IOException {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int lineEnd = indexOf(body, new byte[] { '\r', '\n' }, at);
            if (lineEnd < 0) {
                throw new IOException("a chunk is cut short");
            }
            String size = new String(body, at, lineEnd - at, StandardCharsets.US_ASCII).split(";", 2)[0].strip();
            int length = Integer.parseInt(size, 16);
            if (length == 0) {
                return joined.toByteArray();
            }
            if (length < 0 || lineEnd + 2 + length > body.length) {
                throw new IOException("a chunk is cut short");
            }
            joined.write(body, lineEnd + 2, length);
            at = lineEnd + 2 + length + 2;
        }
    }

    /**
     * The containers a {@code /containers/json} body lists that publish TCP {@code port} on one of
     * {@code addresses}, each as its first usable name and short id: the {@code publish} filter
     * matches the port on any host address, and a container on 127.0.0.2 is not the one behind a
     * listener on 127.0.0.1.
     */
    static List<PublishingContainer> containers(int port, Set<InetAddress> addresses, byte[] body) {
        JsonNode list = JsonMapper.shared().readTree(body);
        List<PublishingContainer> containers = new ArrayList<>();
        if (list == null || !list.isArray()) {
            return containers;
        }
        for (JsonNode container : list) {
            if (!publishesOn(container, port, addresses)) {
                continue;
            }
            List<String> names = new ArrayList<>();
            container.path("Names").forEach((name) -> names.add(name.isString() ? name.asString() : null));
            JsonNode id = container.path("Id");
            PublishingContainer.of(names, id.isString() ? id.asString() : null).ifPresent(containers::add);
        }
        return containers;
    }

    /** Whether one of the container's {@code Ports} is TCP {@code port} on one of {@code addresses}. */
    private static boolean publishesOn(JsonNode container, int port, Set<InetAddress> addresses) {
        for (JsonNode published : container.path("Ports")) {
            if (published.path("PublicPort").asInt(-1) != port || !published.path("Type").asString("tcp").equals("tcp")) {
                continue;
            }
            String ip = published.path("IP").asString("");
            if (ip.isEmpty()) {
                return true; // no address given: published on every address, whatever the listener's
            }
            if (ip.equals("0.0.0.0") || ip.equals("::")) {
                // every address of one family: Docker publishes 0.0.0.0 and :: with two proxies, and a root
                // listener of the other family beside a publication is not the container's
                Class<? extends InetAddress> family = ip.equals("0.0.0.0") ? Inet4Address.class : Inet6Address.class;
                if (addresses.stream().anyMatch(family::isInstance)) {
                    return true;
                }
                continue;
            }
            InetAddress address = literal(ip);
            if (address != null && addresses.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code ip} as an address, or {@code null} when it is not an address literal as Docker writes
     * one (Go's {@code netip}: decimal octets without leading zeros, IPv6 without a zone). Parsed
     * here, never by {@link InetAddress#getByName}: that resolves whatever is not a literal by
     * name (999.1.1.1, zz::1), and the text comes from a socket.
     */
    static InetAddress literal(String ip) {
        byte[] raw = ip.contains(":") ? ipv6(ip) : ipv4(ip);
        if (raw == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(raw);
        }
        catch (UnknownHostException ex) {
            return null; // not reached: 4 and 16 bytes are addresses
        }
    }

    /** The 4 bytes of a dotted quad, or {@code null}. */
    private static byte[] ipv4(String text) {
        if (!IPV4.matcher(text).matches()) {
            return null;
        }
        String[] octets = text.split("\\.");
        byte[] raw = new byte[4];
        for (int i = 0; i < 4; i++) {
            int octet = Integer.parseInt(octets[i]);
            if (octet > 255) {
                return null;
            }
            raw[i] = (byte) octet;
        }
        return raw;
    }

    /**
     * The 16 bytes of an IPv6 literal ({@code 2001:db8::1}, {@code ::ffff:127.0.0.1}), or
     * {@code null}: groups of 1 to 4 hex digits, at most one {@code ::} standing for one or more
     * zero groups, a dotted quad only as the last 32 bits.
     */
    private static byte[] ipv6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        List<Integer> head = groups((gap < 0) ? text : text.substring(0, gap), gap < 0);
        List<Integer> tail = (gap < 0) ? List.of() : groups(text.substring(gap + 2), true);
        if (head == null || tail == null || ((gap < 0) ? head.size() != 8 : head.size() + tail.size() > 7)) {
            return null;
        }
        byte[] raw = new byte[16];
        for (int i = 0; i < head.size(); i++) {
            raw[2 * i] = (byte) (head.get(i) >> 8);
            raw[2 * i + 1] = head.get(i).byteValue();
        }
        for (int i = 0; i < tail.size(); i++) {
            int at = 16 - 2 * (tail.size() - i);
            raw[at] = (byte) (tail.get(i) >> 8);
            raw[at + 1] = tail.get(i).byteValue();
        }
        return raw;
    }

    /**
     * The 16-bit groups of one side of a {@code ::} (all of a literal without one), or {@code null}
     * when one is not 1 to 4 hex digits; {@code last}: whether this side may end in a dotted quad.
     */
    private static List<Integer> groups(String side, boolean last) {
        List<Integer> groups = new ArrayList<>();
        if (side.isEmpty()) {
            return groups;
        }
        String[] parts = side.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (last && i == parts.length - 1 && part.contains(".")) {
                byte[] quad = ipv4(part);
                if (quad == null) {
                    return null;
                }
                groups.add(((quad[0] & 0xff) << 8) | (quad[1] & 0xff));
                groups.add(((quad[2] & 0xff) << 8) | (quad[3] & 0xff));
            }
            else if (IPV6_GROUP.matcher(part).matches()) {
                groups.add(Integer.parseInt(part, 16));
            }
            else {
                return null;
            }
        }
        return groups;
    }

    private static int indexOf(byte[] bytes, byte[] sought, int from) {
        for (int i = from; i <= bytes.length - sought.length; i++) {
            if (Arrays.equals(bytes, i, i + sought.length, sought, 0, sought.length)) {
                return i;
            }
        }
        return -1;
    }

}

package com.virtuoso.ports;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Finds the processes that hold a LISTEN socket on a TCP port, as the Linux kernel reports them:
 * LISTEN rows of {@code /proc/net/tcp} and {@code /proc/net/tcp6} whose local port matches, then
 * the processes whose {@code /proc/<pid>/fd} links point at those sockets.
 * <p>
 * Only listeners are returned, never processes merely connected to the port. On other systems,
 * or when the owner's processes cannot be inspected, the result says why no holder is named.
 * A holder that is a container engine's port forwarder ({@code docker-proxy}, ...) makes the
 * result a {@link PublishedPort}, its container named by the engine this lookup was given.
 * <p>
 * A lookup is a diagnostic: whatever it meets (a torn row, a uid beyond {@code int}, an odd
 * {@code /etc/passwd}, an unreadable table, a process that vanishes) ends as a result that says
 * the holder is unknown and why, never as an exception that would stop a fall back or a monitor.
 */
public final class PortHolderLookup {

    private static final String LISTEN = "0A";

    private static final long ROOT = 0;

    /** How long an engine's answer about the same listeners is believed: a bound, should an inode be reused. */
    static final Duration ENGINE_ANSWER_LIFETIME = Duration.ofSeconds(30);

    private final Path proc;

    private final Path passwd;

    private final PublishingContainers engine;

    /** Whether a root listener nobody here can see is asked about: only where this process shares the engine's network. */
    private final boolean askAboutUnseenListeners;

    /**
     * The engine's last answers, per port and set of listening sockets: the port monitor looks the
     * primary's holder up at every check (every 100 ms to 1 s), and the engine is asked again only
     * when the listeners change (a new proxy has a new socket) or the answer is older than
     * {@link #ENGINE_ANSWER_LIFETIME}.
     */
    private final Map<EngineQuestion, EngineAnswer> engineAnswers = new ConcurrentHashMap<>();

    /**
     * When the engine last could not be reached ({@link #nanoClock}), or {@code null}: for
     * {@link #ENGINE_ANSWER_LIFETIME} after, no question is put to it, as each root listener this
     * user cannot see would otherwise cost a hung engine's whole deadline.
     */
    private volatile Long engineUnreachableAt;

    private final LongSupplier nanoClock;

    /** A lookup that names no container: a port a container engine publishes is told as such, unnamed. */
    public PortHolderLookup() {
        this(PublishingContainers.UNASKED);
    }

    /** A lookup that asks {@code engine} which container publishes a port held by a forwarder such as docker-proxy. */
    public PortHolderLookup(PublishingContainers engine) {
        this(engine, true);
    }

    /**
     * A lookup that asks {@code engine} which container publishes a port held by a forwarder such
     * as docker-proxy, and, when {@code askAboutUnseenListeners}, also about a listener of root
     * whose process this user cannot see. Only where this process shares the engine's network: in
     * a container, the kernel's tables are the container's network and the engine answers for the
     * host's, so a root process of the container would be named after a container of the host.
     */
    public PortHolderLookup(PublishingContainers engine, boolean askAboutUnseenListeners) {
        this(Path.of("/proc"), Path.of("/etc/passwd"), engine, System::nanoTime, askAboutUnseenListeners);
    }

    PortHolderLookup(Path proc) {
        this(proc, Path.of("/etc/passwd"), PublishingContainers.UNASKED);
    }

    PortHolderLookup(Path proc, Path passwd) {
        this(proc, passwd, PublishingContainers.UNASKED);
    }

    PortHolderLookup(Path proc, Path passwd, PublishingContainers engine) {
        this(proc, passwd, engine, System::nanoTime);
    }

    PortHolderLookup(Path proc, Path passwd, PublishingContainers engine, LongSupplier nanoClock) {
        this(proc, passwd, engine, nanoClock, true);
    }

    PortHolderLookup(Path proc, Path passwd, PublishingContainers engine, LongSupplier nanoClock,
            boolean askAboutUnseenListeners) {
        this.proc = proc;
        this.passwd = passwd;
        this.engine = engine;
        this.nanoClock = nanoClock;
        this.askAboutUnseenListeners = askAboutUnseenListeners;
    }

    /** Who listens on {@code port}, on any address and either IP version, however long it takes to look. */
    public PortHolders lookup(int port) {
        return lookup(port, null);
    }

    /**
     * Who listens on {@code port}, looking at most about {@code budget}: finding a holder lists the
     * descriptors of every process, which on a busy machine costs more than a periodic check may spend.
     * @param budget how long to look before saying the holder is unknown, or {@code null} for no limit
     */
    public PortHolders lookup(int port, Duration budget) {
        try {
            return lookup(port, budget, System.nanoTime());
        }
        catch (IOException | UncheckedIOException ex) {
            return PortHolders
                .unknown("cannot read the kernel's socket tables (" + ex.getMessage() + "); run: ss -ltnp");
        }
        catch (RuntimeException ex) {
            return PortHolders.unknown("the holder lookup failed (" + ex + "); run: ss -ltnp");
        }
    }

    private PortHolders lookup(int port, Duration budget, long start) throws IOException {
        if (!Files.exists(proc.resolve("net/tcp"))) {
            return PortHolders.unknown("this OS has no /proc/net/tcp; run: lsof -nP -iTCP:" + port + " -sTCP:LISTEN");
        }
        Map<String, Listener> listeners = listeners(port);
        if (listeners.isEmpty()) {
            return PortHolders.unknown("no process listens on port " + port
                    + "; a short-lived client connection may have used it");
        }
        SocketOwners owners = findOwners(listeners.keySet(), budget, start);
        if (owners.gaveUp()) {
            return PortHolders
                .unknown("gave up looking for the holder after " + budget.toMillis() + " ms; run: ss -ltnp");
        }
        if (owners.socketsByPid().isEmpty()) {
            long uid = listeners.values().iterator().next().uid();
            String reason = "the listener belongs to " + userName(uid)
                    + (owners.hiddenProcesses() > 0 ? ", whose processes this user may not inspect" : "")
                    + "; run as that user or root to see it";
            return (askAboutUnseenListeners ? publishedUnseen(port, listeners, reason) : Optional.<PortHolders>empty())
                .orElseGet(() -> PortHolders.unknown(reason));
        }
        List<PortHolder> holders = owners.socketsByPid().keySet().stream().sorted().map(this::describe).toList();
        // a container publishing the port on another address is not the one behind this forwarder's sockets
        Map<Long, Set<InetAddress>> addressesByPid = new HashMap<>();
        owners.socketsByPid().forEach((pid, sockets) -> addressesByPid.put(pid, addresses(listeners, sockets)));
        return PublishedPort.among(port, holders, addressesByPid, askingOncePer(listeners.keySet()))
            .map((published) -> PortHolders.published(holders, published))
            .orElseGet(() -> PortHolders.found(holders));
    }

    /**
     * The port as a container publishes it, when its listener belongs to root and the engine names
     * a container that publishes the port: docker-proxy runs as root, so a user who may not inspect
     * root's processes sees its LISTEN row and no process. Without a container named, a root
     * listener is any root service, and stays unknown.
     */
    private Optional<PortHolders> publishedUnseen(int port, Map<String, Listener> listeners, String reason) {
        Set<String> rootSockets = new HashSet<>();
        listeners.forEach((socket, listener) -> {
            if (listener.uid() == ROOT) {
                rootSockets.add(socket);
            }
        });
        if (rootSockets.isEmpty()) {
            return Optional.empty();
        }
        List<PublishingContainer> containers = askingOncePer(listeners.keySet())
            .publishing(port, addresses(listeners, rootSockets));
        if (containers.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(PortHolders.publishedUnseen(reason,
                new PublishedPort(port, null, PortForwarder.DOCKER_PROXY, containers)));
    }

    /**
     * Whether this process can see that nobody listens on {@code port}: the kernel's tables are
     * readable and hold no LISTEN row for it. False when it cannot tell (no {@code /proc}, an
     * unreadable table), so that a caller never mistakes "cannot see" for "nobody".
     */
    public boolean seesNoListener(int port) {
        try {
            return Files.isReadable(proc.resolve("net/tcp")) && listeners(port).isEmpty();
        }
        catch (IOException ex) {
            return false;
        }
    }

    /**
     * The LISTEN sockets on {@code port} now, as {@code socket:[inode]}: a socket whose last holder
     * has exited stays in the kernel's tables until its close has run, and the port stays taken
     * until then. Empty when the tables cannot be read.
     */
    public Set<String> listeningSockets(int port) {
        try {
            return Set.copyOf(listeners(port).keySet());
        }
        catch (IOException | UncheckedIOException ex) {
            return Set.of();
        }
    }

    /**
     * The LISTEN sockets on {@code port} that {@code pids} hold now, as {@code socket:[inode]}: what
     * a stop of those processes waits to see closed, and no other listener on the port, which may
     * belong to anyone and stay. Empty when the tables or the processes cannot be read.
     */
    public Set<String> socketsHeldBy(int port, Collection<Long> pids) {
        try {
            Set<String> listening = listeners(port).keySet();
            Set<String> held = new HashSet<>();
            for (long pid : pids) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve(pid + "/fd"))) {
                    for (Path fd : fds) {
                        if (isOneOf(fd, listening)) {
                            held.add(Files.readSymbolicLink(fd).toString());
                        }
                    }
                }
                catch (IOException | UncheckedIOException ex) {
                    // gone, or not ours to read: its sockets are not waited for, the holders still are
                }
            }
            return Set.copyOf(held);
        }
        catch (IOException | UncheckedIOException ex) {
            return Set.of();
        }
    }

    /**
     * Whether this process itself listens on {@code port}: the LISTEN rows for the port against
     * the descriptors of {@code /proc/self} only, so that the server watching its own listeners
     * costs two table reads and one directory, not a scan of every process.
     * @throws IOException when it cannot tell: no {@code /proc}, or a table or {@code /proc/self/fd}
     * cannot be read
     */
    public boolean listensHere(int port) throws IOException {
        if (!Files.exists(proc.resolve("net/tcp"))) {
            throw new NoSuchFileException(proc.resolve("net/tcp").toString(), null, "this OS has no /proc/net/tcp");
        }
        Set<String> sockets = listeners(port).keySet();
        if (sockets.isEmpty()) {
            return false;
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("self/fd"))) {
            for (Path fd : fds) {
                if (isOneOf(fd, sockets)) {
                    return true;
                }
            }
        }
        catch (UncheckedIOException ex) {
            throw ex.getCause();
        }
        return false;
    }

    /**
     * The engine, asked at most once per {@link #ENGINE_ANSWER_LIFETIME} about the same port,
     * listening {@code sockets} and addresses; an answer naming no container is kept too, as an
     * engine that cannot be reached costs up to its deadline each time, and once it could not be
     * reached it is asked nothing for as long.
     */
    private PublishingContainers askingOncePer(Set<String> sockets) {
        return (port, addresses) -> {
            long now = nanoClock.getAsLong();
            engineAnswers.values().removeIf((answer) -> now - answer.askedAt() >= ENGINE_ANSWER_LIFETIME.toNanos());
            EngineQuestion question = new EngineQuestion(port, Set.copyOf(sockets), Set.copyOf(addresses));
            EngineAnswer answer = engineAnswers.get(question);
            if (answer == null) {
                Long unreachableAt = engineUnreachableAt;
                if (unreachableAt != null && now - unreachableAt < ENGINE_ANSWER_LIFETIME.toNanos()) {
                    return List.of();
                }
                PublishingAnswer asked = engine.ask(port, addresses);
                engineUnreachableAt = asked.unreachable() ? now : null;
                answer = new EngineAnswer(asked.containers(), now);
                engineAnswers.put(question, answer);
            }
            return answer.containers();
        };
    }

    /** The local addresses of {@code sockets}, as the kernel's tables give them; unreadable ones left out. */
    private static Set<InetAddress> addresses(Map<String, Listener> listeners, Set<String> sockets) {
        Set<InetAddress> addresses = new HashSet<>();
        for (String socket : sockets) {
            Listener listener = listeners.get(socket);
            if (listener != null && listener.address() != null) {
                addresses.add(listener.address());
            }
        }
        return addresses;
    }

    /** The LISTEN sockets on {@code port}, as {@code socket:[inode]}, with their owner and address. */
    private Map<String, Listener> listeners(int port) throws IOException {
        Map<String, Listener> listenerBySocket = new HashMap<>();
        readListeners(proc.resolve("net/tcp"), port, listenerBySocket);
        try {
            readListeners(proc.resolve("net/tcp6"), port, listenerBySocket);
        }
        catch (NoSuchFileException ex) {
            // no IPv6 on this machine: the table is missing, nothing listens there
        }
        return listenerBySocket;
    }

    private static void readListeners(Path table, int port, Map<String, Listener> listenerBySocket) throws IOException {
        List<String> rows = Files.readAllLines(table, StandardCharsets.ISO_8859_1);
        for (String row : rows.subList(Math.min(1, rows.size()), rows.size())) {
            String[] columns = row.trim().split("\\s+");
            if (columns.length < 10 || !LISTEN.equals(columns[3]) || columns[1].indexOf(':') < 0) {
                continue;
            }
            String local = columns[1];
            try {
                int localPort = Integer.parseInt(local.substring(local.indexOf(':') + 1), 16);
                if (localPort == port) {
                    // uids are unsigned 32-bit: 4294967294 (nobody on some systems) does not fit an int
                    InetAddress address = localAddress(local.substring(0, local.indexOf(':')));
                    listenerBySocket.put("socket:[" + columns[9] + "]", new Listener(Long.parseLong(columns[7]), address));
                }
            }
            catch (NumberFormatException ex) {
                // a row this version cannot read is not a listener it can name: the others still count
            }
        }
    }

    /**
     * The address a table row gives in hex ({@code 0100007F} is 127.0.0.1): each 32-bit word in the
     * kernel's byte order. {@code null} when it is not 4 or 16 bytes of hex.
     */
    static InetAddress localAddress(String hex) {
        if ((hex.length() != 8 && hex.length() != 32) || !hex.chars().allMatch((c) -> Character.digit(c, 16) >= 0)) {
            return null;
        }
        byte[] raw = HexFormat.of().parseHex(hex);
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            for (int word = 0; word < raw.length; word += 4) {
                for (int i = 0; i < 2; i++) {
                    byte swapped = raw[word + i];
                    raw[word + i] = raw[word + 3 - i];
                    raw[word + 3 - i] = swapped;
                }
            }
        }
        try {
            return InetAddress.getByAddress(raw);
        }
        catch (UnknownHostException ex) {
            return null; // not reached: 4 and 16 bytes are addresses
        }
    }

    private SocketOwners findOwners(Set<String> sockets, Duration budget, long start) throws IOException {
        Map<Long, Set<String>> socketsByPid = new HashMap<>();
        int hidden = 0;
        try (Stream<Path> processes = Files.list(proc)) {
            for (Path process : (Iterable<Path>) processes::iterator) {
                if (budget != null && System.nanoTime() - start >= budget.toNanos()) {
                    return new SocketOwners(socketsByPid, hidden, true);
                }
                String name = process.getFileName().toString();
                if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                    for (Path fd : fds) {
                        String socket = linkOf(fd);
                        if (socket != null && sockets.contains(socket)) {
                            socketsByPid.computeIfAbsent(Long.parseLong(name), (pid) -> new HashSet<>()).add(socket);
                        }
                    }
                }
                catch (IOException | UncheckedIOException ex) {
                    hidden++; // another user's process, or one that has just exited
                }
            }
        }
        catch (UncheckedIOException ex) {
            throw ex.getCause();
        }
        return new SocketOwners(socketsByPid, hidden, false);
    }

    private static boolean isOneOf(Path fd, Set<String> sockets) {
        String link = linkOf(fd);
        return link != null && sockets.contains(link);
    }

    /** What descriptor {@code fd} points at ({@code socket:[424242]}), or {@code null} once it is closed. */
    private static String linkOf(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        }
        catch (IOException ex) {
            return null; // the descriptor was closed while we looked
        }
    }

    private PortHolder describe(long pid) {
        Path process = proc.resolve(Long.toString(pid));
        String user;
        try {
            user = Files.getOwner(process).getName();
        }
        catch (IOException ex) {
            user = "unknown";
        }
        Instant started = ProcessHandle.of(pid).flatMap(handle -> handle.info().startInstant()).orElse(null);
        Long ticks = ProcessStart.ticks(process).stream().boxed().findFirst().orElse(null);
        return new PortHolder(pid, user, started, ticks, commandLine(process));
    }

    private static String commandLine(Path process) {
        try {
            // the whole command line: ProcessHandle.Info cuts it at 4096 bytes
            byte[] raw;
            try (InputStream in = Files.newInputStream(process.resolve("cmdline"))) {
                raw = in.readAllBytes(); // procfs reports size 0: read to the end
            }
            String text = new String(raw, StandardCharsets.UTF_8);
            if (!text.isEmpty()) {
                String[] arguments = text.endsWith("\0") ? text.substring(0, text.length() - 1).split("\0", -1)
                        : text.split("\0", -1);
                return MaskedCommandLine.of(Arrays.asList(arguments));
            }
            return "[" + Files.readString(process.resolve("comm")).trim() + "]";
        }
        catch (IOException ex) {
            return "unknown command";
        }
    }

    private String userName(long uid) {
        // ISO-8859-1 reads any bytes: a name in another encoding is shown oddly, never a failure
        try (Stream<String> lines = Files.lines(passwd, StandardCharsets.ISO_8859_1)) {
            Optional<String> name = lines.map(line -> line.split(":"))
                    .filter(fields -> fields.length > 2 && fields[2].equals(Long.toString(uid)))
                    .map(fields -> fields[0])
                    .findFirst();
            return name.map(n -> "user " + n + " (uid " + uid + ")").orElse("uid " + uid);
        }
        catch (IOException | UncheckedIOException ex) {
            return "uid " + uid;
        }
    }

    /**
     * @param socketsByPid the processes that hold the sockets sought, each with the ones it holds
     * @param gaveUp whether the budget ran out before every process was looked at
     */
    private record SocketOwners(Map<Long, Set<String>> socketsByPid, int hiddenProcesses, boolean gaveUp) {
    }

    /** What the engine was asked: who publishes {@code port} on {@code addresses}, with these sockets listening. */
    private record EngineQuestion(int port, Set<String> sockets, Set<InetAddress> addresses) {
    }

    /** What it answered, and when ({@link System#nanoTime()}). */
    private record EngineAnswer(List<PublishingContainer> containers, long askedAt) {
    }

    /**
     * A LISTEN row of the kernel's tables.
     *
     * @param uid its owner
     * @param address its local address, or {@code null} when the row's cannot be read
     */
    private record Listener(long uid, InetAddress address) {
    }

}

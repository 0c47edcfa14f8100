package com.virtuoso.ports;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * Stops the processes listening on a port, by the rules of a kill command people can trust:
 * only LISTEN sockets' owners (never a client merely connected to the port); never PID 1, this
 * process or its ancestors; another user's process only when forced; SIGTERM first and SIGKILL
 * only when forced; identity (PID, start time, still holding the port) checked again right
 * before each signal; success only when the port is verified free. A process whose start time
 * cannot be read is never signalled: without it, a process that reused the PID looks the same.
 * A signal that cannot be sent (not permitted, or the process is gone) is reported, and the port
 * is then not waited for: a holder that was never told to stop will not free it.
 */
public final class ListenerShutdown {

    private static final Duration POLL = Duration.ofMillis(100);

    private static final Duration AFTER_KILL = Duration.ofSeconds(10);

    private final PortHolderLookup holderLookup;

    private final String user;

    private final Signals signals;

    public ListenerShutdown(PortHolderLookup holderLookup, String user) {
        this(holderLookup, user, (process, kill) -> kill ? process.destroyForcibly() : process.destroy());
    }

    ListenerShutdown(PortHolderLookup holderLookup, String user, Signals signals) {
        this.holderLookup = holderLookup;
        this.user = user;
        this.signals = signals;
    }

    /**
     * Sends SIGTERM or SIGKILL. A seam for tests: as root, every signal can be sent, so the
     * failures this class must report cannot be produced for real.
     */
    @FunctionalInterface
    interface Signals {

        /**
         * Whether the signal was sent; false when the OS refused it (EPERM) or the process is gone,
         * as {@link ProcessHandle#destroy()} tells.
         */
        boolean send(ProcessHandle process, boolean kill);

    }

    /**
     * How stopping ended.
     *
     * @param free whether no process listens on the port any more
     * @param remaining who still listens on it
     * @param killed the PIDs that were sent SIGKILL
     * @param unsent the signals that could not be sent, one sentence each
     */
    public record Result(boolean free, List<PortHolder> remaining, List<Long> killed, List<String> unsent) {

        public Result {
            remaining = List.copyOf(remaining);
            killed = List.copyOf(killed);
            unsent = List.copyOf(unsent);
        }

    }

    /**
     * Those of {@code remaining} that are not among {@code stopped}, the holders a stop was asked
     * to stop: a child that inherited the socket from one of them (as a process that forks on
     * SIGTERM leaves it), or a listener that started since. A stop never signals them. A holder
     * under a stopped holder's PID whose start cannot be read (it exited between the look at its
     * descriptors and the look at its start) is not one: it may be the stopped one, leaving.
     */
    public static List<PortHolder> newcomers(List<PortHolder> remaining, List<PortHolder> stopped) {
        return remaining.stream()
            .filter((holder) -> stopped.stream().noneMatch((known) -> mayBe(holder, known)))
            .toList();
    }

    private static boolean mayBe(PortHolder holder, PortHolder known) {
        return holder.isSameProcessAs(known) || (holder.pid() == known.pid() && !holder.hasKnownStart());
    }

    /** Why each of {@code holders} that must not be stopped must not; empty when all may be. */
    public List<String> refusals(List<PortHolder> holders, boolean force) {
        return holders.stream().map((holder) -> refusal(holder, force)).flatMap(Optional::stream).toList();
    }

    /** Why {@code holder} must not be stopped, or empty when it may be. */
    public Optional<String> refusal(PortHolder holder, boolean force) {
        ProcessHandle self = ProcessHandle.current();
        if (holder.pid() <= 1) {
            return Optional.of("PID " + holder.pid() + " is the init process; stopping it would bring the system down");
        }
        if (holder.pid() == self.pid()) {
            return Optional.of("PID " + holder.pid() + " is this command itself");
        }
        for (Optional<ProcessHandle> parent = self.parent(); parent.isPresent(); parent = parent.get().parent()) {
            if (parent.get().pid() == holder.pid()) {
                return Optional.of("PID " + holder.pid() + " is an ancestor of this command (" + holder.command() + ")");
            }
        }
        if (holder.startTime() == null) {
            return Optional.of("the start time of PID " + holder.pid() + " cannot be read, so it cannot be told from a "
                    + "process that reused its PID; nothing is sent to it");
        }
        if (!force && !user.equals(holder.user())) {
            return Optional.of("PID " + holder.pid() + " belongs to " + holder.user() + ", not to " + user
                    + "; pass --force to stop another user's process");
        }
        return Optional.empty();
    }

    /**
     * Sends SIGTERM to each holder still holding {@code port}, waits up to {@code grace} for the
     * port to be free, then, when {@code force}, SIGKILL to those still holding it. When a signal
     * cannot be sent to a process that is still alive, the port is checked once instead of waited
     * for, and the result says which signal did not go out.
     */
    public Result stop(int port, List<PortHolder> holders, Duration grace, boolean force) {
        Set<String> sockets = holderLookup.socketsHeldBy(port, holders.stream().map(PortHolder::pid).toList());
        List<String> unsent = new ArrayList<>();
        boolean blocked = signalAll(port, holders, false, new ArrayList<>(), unsent);
        Waited waited = awaitFree(port, holders, sockets, blocked ? Duration.ZERO : grace);
        List<Long> killed = new ArrayList<>();
        if (!waited.free() && force) {
            blocked = signalAll(port, holders, true, killed, unsent);
            waited = awaitFree(port, holders, sockets, blocked ? Duration.ZERO : AFTER_KILL);
        }
        return new Result(waited.free(), waited.holders(), killed, unsent);
    }

    /**
     * Signals each holder still holding the port; adds the PIDs signalled to {@code sent} and a
     * sentence per signal that could not be sent to {@code unsent}. Returns whether a process that
     * could not be signalled is still alive, so waiting for the port would only run out the clock.
     */
    private boolean signalAll(int port, List<PortHolder> holders, boolean kill, List<Long> sent, List<String> unsent) {
        String signal = kill ? "SIGKILL" : "SIGTERM";
        boolean blocked = false;
        for (PortHolder holder : holders) {
            Optional<ProcessHandle> process = stillHolding(port, holder);
            if (process.isEmpty()) {
                continue;
            }
            if (signals.send(process.get(), kill)) {
                sent.add(holder.pid());
            }
            else if (process.get().isAlive()) {
                blocked = true;
                unsent.add(signal + " could not be sent to PID " + holder.pid() + " (" + holder.user()
                        + "): the OS does not permit it; run as " + holder.user() + " or root");
            }
            else {
                unsent.add(signal + " could not be sent to PID " + holder.pid() + ": it has exited");
            }
        }
        return blocked;
    }

    /**
     * The process of {@code holder}, if it is still the same process (same start time, which
     * must be known) and still listens on the port.
     */
    private Optional<ProcessHandle> stillHolding(int port, PortHolder holder) {
        if (holder.startTime() == null || !holderLookup.lookup(port).heldBy(holder.pid())) {
            return Optional.empty();
        }
        return ProcessHandle.of(holder.pid()).filter((process) -> sameStart(holder, process));
    }

    /**
     * Whether {@code process} started when {@code holder} did: in kernel ticks when both are known,
     * as they do not move when the wall clock steps between the lookup and the signal.
     */
    private static boolean sameStart(PortHolder holder, ProcessHandle process) {
        if (holder.startTicks() != null) {
            OptionalLong ticks = ProcessStart.ticks(process.pid());
            if (ticks.isPresent()) {
                return ticks.getAsLong() == holder.startTicks();
            }
        }
        return process.info().startInstant().map(holder.startTime()::equals).orElse(false);
    }

    /**
     * Waits for the port, not the PIDs: a process that is not our child is slow to report its exit.
     * The port is free once no process holds it and none of {@code sockets}, the listeners the
     * holders held before the first signal, is left in the kernel's tables: a process that has
     * exited has released its descriptors a moment before the kernel closes the socket behind them.
     * Once only {@linkplain #newcomers newcomers} hold the port, nothing is left to wait for: none
     * of them was signalled.
     */
    private Waited awaitFree(int port, List<PortHolder> stopped, Set<String> sockets, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        Waited waited = look(port, sockets);
        while (!waited.free() && !onlyNewcomers(waited.holders(), stopped) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(POLL.toNanos());
            waited = look(port, sockets);
        }
        return waited;
    }

    private static boolean onlyNewcomers(List<PortHolder> holders, List<PortHolder> stopped) {
        return !holders.isEmpty() && newcomers(holders, stopped).size() == holders.size();
    }

    private Waited look(int port, Set<String> sockets) {
        List<PortHolder> holders = holderLookup.lookup(port).holders();
        boolean closing = holders.isEmpty() && holderLookup.listeningSockets(port).stream().anyMatch(sockets::contains);
        return new Waited(holders, closing);
    }

    /** What a look at the port found: the processes holding it, and whether a released socket is still closing. */
    private record Waited(List<PortHolder> holders, boolean closing) {

        boolean free() {
            return holders.isEmpty() && !closing;
        }

    }

}

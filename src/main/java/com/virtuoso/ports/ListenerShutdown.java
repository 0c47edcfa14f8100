package com.virtuoso.ports;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Stops the processes listening on a port, by the rules of a kill command people can trust:
 * only LISTEN sockets' owners (never a client merely connected to the port); never PID 1, this
 * process or its ancestors; another user's process only when forced; SIGTERM first and SIGKILL
 * only when forced; identity (PID, start time, still holding the port) checked again right
 * before each signal; success only when the port is verified free. A process whose start time
 * cannot be read is never signalled: without it, a process that reused the PID looks the same.
 */
public final class ListenerShutdown {

    private static final Duration POLL = Duration.ofMillis(100);

    private static final Duration AFTER_KILL = Duration.ofSeconds(10);

    private final PortHolderLookup holderLookup;

    private final String user;

    public ListenerShutdown(PortHolderLookup holderLookup, String user) {
        this.holderLookup = holderLookup;
        this.user = user;
    }

    /**
     * How stopping ended.
     *
     * @param free whether no process listens on the port any more
     * @param remaining who still listens on it
     * @param killed the PIDs that were sent SIGKILL
     */
    public record Result(boolean free, List<PortHolder> remaining, List<Long> killed) {
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
     * port to be free, then, when {@code force}, SIGKILL to those still holding it.
     */
    public Result stop(int port, List<PortHolder> holders, Duration grace, boolean force) {
        for (PortHolder holder : holders) {
            stillHolding(port, holder).ifPresent(ProcessHandle::destroy);
        }
        List<PortHolder> remaining = awaitFree(port, grace);
        List<Long> killed = new ArrayList<>();
        if (!remaining.isEmpty() && force) {
            for (PortHolder holder : holders) {
                stillHolding(port, holder).ifPresent((process) -> {
                    process.destroyForcibly();
                    killed.add(process.pid());
                });
            }
            remaining = awaitFree(port, AFTER_KILL);
        }
        return new Result(remaining.isEmpty(), remaining, killed);
    }

    /**
     * The process of {@code holder}, if it is still the same process (same start time, which
     * must be known) and still listens on the port.
     */
    private Optional<ProcessHandle> stillHolding(int port, PortHolder holder) {
        if (holder.startTime() == null || !holderLookup.lookup(port).heldBy(holder.pid())) {
            return Optional.empty();
        }
        return ProcessHandle.of(holder.pid())
            .filter((process) -> process.info().startInstant().map(holder.startTime()::equals).orElse(false));
    }

    /** Waits for the port, not the PIDs: a process that is not our child is slow to report its exit. */
    private List<PortHolder> awaitFree(int port, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        List<PortHolder> holders = holderLookup.lookup(port).holders();
        while (!holders.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(POLL.toNanos());
            holders = holderLookup.lookup(port).holders();
        }
        return holders;
    }

}

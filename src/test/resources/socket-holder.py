#!/usr/bin/env python3
"""Holds a listening socket and runs a server on it, as systemd socket activation does.

Usage: socket-holder.py --log FILE [--host HOST] [--listen-fds N | --standard-input | --fd3-only] -- COMMAND [ARGS...]

Binds HOST (default 127.0.0.1) on a port the kernel picks, prints "PORT <port>", then starts
COMMAND with the socket on fd 3 and fd 0 (what bin/virtuoso's `exec 0<&3` gives Java, which
reads an inherited socket from fd 0 only), LISTEN_FDS=1 and LISTEN_PID set to the child's own
PID: the child sets it after fork and then execs, which keeps the PID. Prints "STARTED <pid>".
The child's output is appended to FILE.

Reads commands on stdin, one per line:
  restart  SIGTERM the server, wait for it ("STOPPED <pid> <status>"), start it again on the
           same socket ("STARTED <pid>"). Meanwhile the socket stays open, so connections wait
           in its backlog instead of being refused.
  wait     wait for the server to exit by itself ("STOPPED <pid> <status>").
  stop     SIGTERM the server, wait for it, exit. End of input and SIGTERM do the same.

--listen-fds N sets LISTEN_FDS=N instead of 1, for a server that must refuse it.
--standard-input passes the socket on fd 0 only, without LISTEN_FDS and LISTEN_PID, as a unit
with StandardInput=socket does.
--fd3-only passes the socket on fd 3 only (fd 0 is /dev/null), exactly as systemd does: for
COMMAND bin/virtuoso, which moves it to fd 0 itself.
"""
import argparse
import os
import signal
import socket
import sys


def start(sock, command, log, listen_fds, fd3_only=False):
    pid = os.fork()
    if pid == 0:
        try:
            held = sock.fileno()
            if fd3_only:
                os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            else:
                os.dup2(held, 0)
            os.set_inheritable(0, True)
            if listen_fds is not None:
                os.environ["LISTEN_FDS"] = listen_fds
                os.environ["LISTEN_PID"] = str(os.getpid())
                os.dup2(held, 3)
                os.set_inheritable(3, True)
            out = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            os.dup2(out, 1)
            os.dup2(out, 2)
            os.closerange(4, 256)
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    print("STARTED", pid, flush=True)
    return pid


def stop(pid, signalled=True):
    if signalled:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    _, status = os.waitpid(pid, 0)
    print("STOPPED", pid, os.waitstatus_to_exitcode(status), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--listen-fds", default="1")
    parser.add_argument("--standard-input", action="store_true")
    parser.add_argument("--fd3-only", action="store_true")
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()
    if args.standard_input:
        args.listen_fds = None

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((args.host, 0))
    sock.listen(128)
    print("PORT", sock.getsockname()[1], flush=True)

    child = start(sock, args.command, args.log, args.listen_fds, args.fd3_only)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        for line in sys.stdin:
            command = line.strip()
            if command == "restart" and child is not None:
                stop(child)
                child = start(sock, args.command, args.log, args.listen_fds, args.fd3_only)
            elif command == "wait" and child is not None:
                stop(child, signalled=False)
                child = None  # reaped: its PID may be reused, never signal it again
            elif command == "stop":
                break
    finally:
        if child is not None:
            stop(child)


if __name__ == "__main__":
    main()

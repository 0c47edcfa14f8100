#!/bin/sh
# Requests per second on GET /actuator/health as the throughput issue measured it: wrk, 2 threads,
# 64 connections, from loopback, both servers up at once and measured alternately. Virtuoso with its
# shipped defaults (access log on, to a file as a service manager's redirection would) against the
# plain Spring Boot webmvc + actuator app of bench/baseline with Tomcat's access log on and health
# details shown. wrk is far lighter than a JVM client, so the servers, not the load generator, are
# what runs out of CPU: the ratio is close to the ratio of their CPU cost per request, which this
# script prints too (utime + stime from /proc per request), as it moves less on a shared machine.
#
# Run after ./mvnw -q package -DskipTests && ./mvnw -q -f bench/baseline/pom.xml package
# (wrk: apt-get install -y wrk):
#   bench/wrk-throughput.sh [seconds each, default 10] [rounds, default 5] [warm-up seconds each, default 60]
# Loopback only, on ports picked at run time; it stops the two servers it started, and nothing else.
set -eu
seconds=${1:-10}
rounds=${2:-5}
warmup=${3:-60}
jar=target/virtuoso.jar
baseline=bench/baseline/target/baseline.jar
command -v wrk > /dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
if [ ! -f "$jar" ] || [ ! -f "$baseline" ]; then
    echo "build first: see the comment at the top of $0" >&2
    exit 1
fi
work=$(mktemp -d)
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
vport=$(free_port)
bport=$(free_port)
java -jar "$jar" --web_server.host=127.0.0.1 --web_server.port="$vport" --web_server.state_dir="$work/state" \
    --web_server.in_container=false > "$work/virtuoso.log" 2>&1 &
vpid=$!
java -jar "$baseline" --server.address=127.0.0.1 --server.port="$bport" --server.tomcat.accesslog.enabled=true \
    --server.tomcat.basedir="$work/baseline-tomcat" --management.endpoint.health.show-details=always \
    > "$work/baseline.log" 2>&1 &
bpid=$!
trap 'kill "$vpid" "$bpid" 2> /dev/null; wait "$vpid" "$bpid" 2> /dev/null; rm -rf "$work"' EXIT
for port in "$vport" "$bport"; do
    tries=0
    until curl -sf -o /dev/null "http://127.0.0.1:$port/actuator/health"; do
        tries=$((tries + 1))
        [ "$tries" -lt 1200 ] || { echo "no 200 on port $port after 120 s" >&2; exit 1; }
        sleep 0.1 # a readiness poll, bounded
    done
done
hz=$(getconf CLK_TCK)
# utime + stime of process $1 in clock ticks: fields 14 and 15 of /proc/PID/stat, 12 and 13 after "(comm) "
ticks() {
    sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}
# "REQ/S CPU" of $3 seconds of load on port $1: requests per second, and the server's (pid $2) CPU
# time per request in microseconds, which a busy machine disturbs less than req/s
measure() {
    before=$(ticks "$2")
    out=$(wrk -t2 -c64 -d"$3"s "http://127.0.0.1:$1/actuator/health")
    after=$(ticks "$2")
    echo "$out" | awk -v ticks=$((after - before)) -v hz="$hz" \
        '/requests in/ { n = $1 } /Requests\/sec/ { r = $2 } END { printf "%s %.1f\n", r, (n > 0) ? ticks / hz * 1e6 / n : 0 }'
}
echo "warm-up: ${warmup} s each, in turns of 10 s"
elapsed=0
while [ "$elapsed" -lt "$warmup" ]; do
    measure "$vport" "$vpid" 10 > /dev/null
    measure "$bport" "$bpid" 10 > /dev/null
    elapsed=$((elapsed + 10))
done
: > "$work/v"
: > "$work/b"
: > "$work/vcpu"
: > "$work/bcpu"
round=1
while [ "$round" -le "$rounds" ]; do
    if [ $((round % 2)) -eq 1 ]; then
        v=$(measure "$vport" "$vpid" "$seconds"); b=$(measure "$bport" "$bpid" "$seconds")
    else
        b=$(measure "$bport" "$bpid" "$seconds"); v=$(measure "$vport" "$vpid" "$seconds")
    fi
    echo "${v% *}" >> "$work/v"
    echo "${b% *}" >> "$work/b"
    echo "${v#* }" >> "$work/vcpu"
    echo "${b#* }" >> "$work/bcpu"
    echo "round $round: virtuoso ${v% *} req/s ${v#* } us/request, baseline ${b% *} req/s ${b#* } us/request," \
        "ratio $(echo "${v% *} ${b% *}" | awk '{ printf "%.3f", $1 / $2 }')"
    round=$((round + 1))
done
median() {
    sort -n "$1" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
v=$(median "$work/v")
b=$(median "$work/b")
echo "median: virtuoso $v req/s, baseline $b req/s, ratio $(echo "$v $b" | awk '{ printf "%.3f", $1 / $2 }') (goal >= 0.90)"
v=$(median "$work/vcpu")
b=$(median "$work/bcpu")
echo "median server CPU per request: virtuoso $v us, baseline $b us, throughput it allows" \
    "$(echo "$v $b" | awk '{ printf "%.3f", $2 / $1 }') (baseline's CPU / virtuoso's)"

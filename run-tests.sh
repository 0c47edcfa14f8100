#!/bin/sh
# Every test, on a fresh machine. The security tests act as a client on another host from a
# network namespace of their own (ip netns + veth, curl inside it): that needs root, iproute2 and
# curl, which this script installs when they are missing, as it does shellcheck for the launcher's
# test (LauncherIT), python3 for the socket holder of SocketActivationIT, prometheus for
# RealPrometheusTest (the test runs the binary itself), chromium with chromium-driver for the
# status page's browser test, and docker.io with busybox-static for DockerEngineIT (a real engine
# and a static busybox to make an image from). It starts dockerd when no engine answers, and leaves
# it running: CI ends what a run leaves behind, and a developer's machine keeps a usable engine.
# The VIRTUOSO_REQUIRE_* variables make those tests fail, not skip, should their component still
# be missing. Then: ./mvnw verify.
set -eu
cd "$(dirname "$0")"
missing=""
command -v ip >/dev/null 2>&1 || missing="$missing iproute2"
command -v curl >/dev/null 2>&1 || missing="$missing curl"
command -v shellcheck >/dev/null 2>&1 || missing="$missing shellcheck"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
command -v prometheus >/dev/null 2>&1 || missing="$missing prometheus"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v chromedriver >/dev/null 2>&1 || missing="$missing chromium-driver"
command -v dockerd >/dev/null 2>&1 || missing="$missing docker.io"
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q "ok installed" || missing="$missing busybox-static"
if [ "$(id -u)" -ne 0 ]; then
    echo "run-tests.sh: the tests create network namespaces, which needs root: run it as root (sudo ./run-tests.sh)" >&2
    exit 1
fi
if [ -n "$missing" ]; then
    echo "run-tests.sh: installing$missing" >&2
    apt-get update -qq
    # shellcheck disable=SC2086 # one word per package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
    echo "run-tests.sh: starting dockerd (log: /var/log/virtuoso-dockerd.log)" >&2
    nohup dockerd >/var/log/virtuoso-dockerd.log 2>&1 &
    waited=0
    # polled once a second, 60 s at most
    until docker info >/dev/null 2>&1; do
        if [ "$waited" -ge 60 ]; then
            # the suite still runs: DockerEngineIT then fails and says why
            echo "run-tests.sh: dockerd did not answer within 60 s; its log:" >&2
            tail -n 20 /var/log/virtuoso-dockerd.log >&2
            break
        fi
        sleep 1
        waited=$((waited + 1))
    done
fi
export VIRTUOSO_REQUIRE_BROWSER=1
export VIRTUOSO_REQUIRE_PROMETHEUS=1
export VIRTUOSO_REQUIRE_DOCKER=1
exec ./mvnw verify "$@"

#!/usr/bin/env bash
# Installs and starts what the test suites need on a fresh Debian machine:
# a Docker engine, the local test image, and the Debian tools the e2e suites
# drive (mosquitto clients, tinyproxy, iproute2/iptables/nsenter). Idempotent.
set -euo pipefail

need_pkgs=()
command -v dockerd >/dev/null || need_pkgs+=(docker.io)
[ -x /bin/busybox ] && /bin/busybox --list | grep -qx httpd || need_pkgs+=(busybox-static)
command -v mosquitto_sub >/dev/null || need_pkgs+=(mosquitto-clients)
command -v tinyproxy >/dev/null || need_pkgs+=(tinyproxy)
command -v ip >/dev/null || need_pkgs+=(iproute2)
command -v iptables >/dev/null || need_pkgs+=(iptables)
command -v nsenter >/dev/null || need_pkgs+=(util-linux)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "ci-setup: installing ${need_pkgs[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  echo "ci-setup: starting dockerd"
  nohup dockerd >/tmp/kedge-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "ci-setup: dockerd did not start, see /tmp/kedge-dockerd.log" >&2; exit 1; }
fi

bash "$(dirname "$0")/test-image.sh"

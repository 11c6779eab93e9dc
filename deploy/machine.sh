#!/usr/bin/env bash
# Make this machine ready: install the Debian packages named on the command line
# (commands are looked up first, so nothing is installed twice), then make sure
# PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer, starting them if not.
# Used by .ci/run and `make bench`.
set -euo pipefail

declare -A provides=(
  [chromium]=chromium [postgresql-client]=pg_isready [varnish]=varnishd
  [nginx-light]=nginx [wrk]=wrk [redis-server]=redis-server [redis-tools]=redis-cli
)
missing=()
for package in "$@"; do
  command=${provides[$package]:-$package}
  command -v "$command" >/dev/null 2>&1 || test -x "/usr/sbin/$command" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432

if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /tmp --logfile /tmp/redis-waymark.log || true
  for _ in $(seq 1 30); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 0.2; done
fi
(exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && echo "redis: 127.0.0.1:6379 - accepting connections"

#!/bin/sh
# Runs a command with the project's Node LTS, its npm dependencies and the Debian packages
# the stack needs, installing whichever is missing first. Every npm script goes through it,
# so `npm start` and `npm test` are all a fresh machine needs, even when its own Node is an
# older one (npm itself is plain JavaScript and runs on whichever node comes first in PATH).
set -eu

NODE_VERSION=24.21.0
root=$(cd "$(dirname "$0")/.." && pwd)
# Same rule as infra/src/config.ts: root's cache is readable by the stack's service user.
if [ "$(id -u)" = 0 ]; then default_cache=/var/cache/emporium; else default_cache="${XDG_CACHE_HOME:-$HOME/.cache}/emporium"; fi
cache="${EMPORIUM_CACHE_DIR:-$default_cache}"

log() { printf '[bootstrap] %s\n' "$*" >&2; }

# --- Debian packages (only what the scripts call: unzip for Elasticsearch, the PostgreSQL
# server binaries, docker-compose to validate docker-compose.yml without a Docker engine,
# Chromium for the storefront's browser tests, which never download a browser of their own,
# Prometheus as the local metrics store, Redis for the counters router replicas share, HAProxy
# in front of replicas with `npm start -- --replicas N`).
missing=""
for entry in unzip:unzip docker-compose:docker-compose pg_ctl:postgresql chromium:chromium prometheus:prometheus redis-server:redis-server haproxy:haproxy; do
  cmd=${entry%%:*} pkg=${entry#*:}
  if [ "$cmd" = pg_ctl ]; then
    ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && continue
  elif [ "$cmd" = haproxy ]; then
    # In /usr/sbin, which a user's PATH may lack.
    [ -x /usr/sbin/haproxy ] && continue
  elif command -v "$cmd" >/dev/null 2>&1; then
    continue
  fi
  missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then
    log "installing Debian packages:$missing"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    log "missing Debian packages:$missing (install them with: sudo apt-get install$missing)"
    exit 1
  fi
fi

# --- Node trusts only its bundled CAs. Where egress passes through the machine's own CA
# (a proxy), that CA is in the system bundle: let npm and Node trust the bundle too.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r /etc/ssl/certs/ca-certificates.crt ]; then
  NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
  export NODE_EXTRA_CA_CERTS
fi

# --- Node LTS from the npm registry's binary package, cached per version.
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) log "unsupported CPU $(uname -m)"; exit 1 ;;
esac
if [ "$(node --version 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
  nodedir="$cache/node-$NODE_VERSION"
  nodebin="$nodedir/node_modules/node-linux-$arch/bin"
  if [ ! -x "$nodebin/node" ]; then
    log "installing Node $NODE_VERSION into $nodedir"
    # Into a scratch directory first, so an interrupted install is never mistaken for one.
    staging="$nodedir.partial.$$"
    rm -rf "$staging" "$nodedir"
    mkdir -p "$staging"
    npm install --silent --no-save --no-package-lock --no-audit --no-fund \
      --prefix "$staging" "node-linux-$arch@$NODE_VERSION" >&2
    mv "$staging" "$nodedir"
  fi
  PATH="$nodebin:$PATH"
  export PATH
fi

# --- npm dependencies, reinstalled whenever the lock file changes.
stamp="$root/node_modules/.emporium-lock.sha256"
want=$(sha256sum "$root/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "installing npm dependencies (npm ci)"
  (cd "$root" && npm ci --no-audit --no-fund >&2)
  echo "$want" >"$stamp"
fi

# kafkajs schedules request timeouts that Node 24 reports as negative; it clamps them
# to 1 ms, which is what kafkajs meant, so the warning is noise on every Kafka call.
NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=TimeoutNegativeWarning"
export NODE_OPTIONS

cd "$root"
exec "$@"

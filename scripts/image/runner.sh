#!/usr/bin/env bash
# The node runner image, built as a user builds it: k8s/runner/Dockerfile from the repository
# root, by buildah (no daemon) over the locally assembled base (base.sh) instead of the
# registry's node:20-slim. Its `npm ci` steps reach the npm registry.
#
# Usage: bash scripts/image/runner.sh
# Last line of stdout: "<docker-archive path> <image ref>". The ref is the name the shipped
# manifests use (ghcr.io/golive/runner:<package version>), so a node that imports the archive
# runs k8s/job.yaml unchanged (imagePullPolicy IfNotPresent finds it without a registry).
#
# Cached by the hash of what decides the image: the base, this script and lib.sh, the
# Dockerfile and every file its COPY lines take from the build context (read from the
# Dockerfile itself, so a new COPY is hashed without editing this script). Editing golive's
# source therefore rebuilds it; editing a test does not.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=lib.sh
source scripts/image/lib.sh

DOCKERFILE=k8s/runner/Dockerfile
REF="ghcr.io/golive/runner:$(node -p 'require("./package.json").version')"

base_line=$(bash scripts/image/base.sh | tail -n 1)
base_archive=${base_line%% *}
base_ref=${base_line#* }

# The build-context paths of COPY lines (not COPY --from=stage): every word but the first
# and the destination.
copy_sources() {
  awk 'toupper($1) == "COPY" && $0 !~ /--from=/ { for (i = 2; i < NF; i++) if ($i !~ /^--/) print $i }' "$DOCKERFILE" | sort -u
}
mapfile -t sources < <(copy_sources)
((${#sources[@]})) || die "runner: no COPY sources found in $DOCKERFILE"
# The base entry's directory name carries its own key.
key=$(hash_text "base $(basename "$(dirname "$base_archive")")" \
  "build $(hash_paths scripts/image/runner.sh scripts/image/lib.sh "$DOCKERFILE" .dockerignore)" \
  "context $(hash_paths "${sources[@]}")")
entry=$(entry_dir runner "$key")
if entry_ok "$entry"; then
  touch "$entry"
  entry_print "$entry"
  exit 0
fi

tmp=$(new_tmp runner)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/out"
# The host's npm settings that decide whether `npm ci` can reach the registry at all: a
# registry mirror, and the CA bundle of a TLS-inspecting egress proxy (NODE_EXTRA_CA_CERTS or
# npm's cafile). They are lent to the RUN steps as a read-only mount over /usr/local/etc (npm's
# global config directory for a node in /usr/local/bin), which is empty in the base; a mount
# is not committed, so none of this reaches the image.
mkdir -p "$tmp/npm-etc"
npmrc=$tmp/npm-etc/npmrc
printf 'update-notifier=false\nfund=false\naudit=false\n' >"$npmrc"
cafile=${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null || true)}
if [[ -f $cafile ]]; then
  cp "$cafile" "$tmp/npm-etc/host-ca.crt"
  echo "cafile=/usr/local/etc/host-ca.crt" >>"$npmrc"
fi
registry=$(npm config get registry 2>/dev/null || true)
[[ $registry == http* ]] && echo "registry=$registry" >>"$npmrc"

log "runner: buildah bud $DOCKERFILE as $REF over $base_ref (log: $tmp/build.log while it runs)"
# chroot isolation: no user namespace or network namespace to set up, so it runs wherever
# root can chroot (in a CI container too); RUN steps share the host's network for npm ci.
if ! bah bud --isolation chroot --pull=never --build-arg BASE="$base_ref" -v "$tmp/npm-etc:/usr/local/etc:ro" \
  -f "$DOCKERFILE" -t "$REF" . >"$tmp/build.log" 2>&1; then
  tail -n 40 "$tmp/build.log" >&2
  die "runner: buildah bud failed (last lines above)"
fi
export_archive "$REF" "$tmp/out/image.tar"
echo "$REF" >"$tmp/out/ref"
publish "$tmp/out" "$entry"
# The archive is the result; in the store the image only costs disk (vfs keeps a full copy
# of the root file system per layer). The base stays: the next build starts from it.
bah rmi "$REF" >/dev/null 2>&1 || true
bah rmi --prune >/dev/null 2>&1 || true
prune_entries runner 4
entry_print "$entry"

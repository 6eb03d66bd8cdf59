# Shared by the image scripts (sourced, not run). Builds happen without a daemon: buildah with
# its own storage under the cache (vfs driver: works on any file system and in any container,
# needs no overlay or fuse), so nothing here touches a system-wide image store.
# shellcheck shell=bash

CACHE_ROOT="${GOLIVE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/golive}"
# buildah's image store: a working area only. The archives under images-*/ are what the
# cache check trusts; the store can be deleted at any time and is refilled from them.
STORE="$CACHE_ROOT/buildah"

# One build at a time per cache: several checkouts' `npm test` may run at once, and buildah's
# store and the entries are shared. Taken once per process tree (the scripts call each other).
if [[ -z ${GOLIVE_IMAGE_LOCK_HELD:-} ]]; then
  mkdir -p "$CACHE_ROOT"
  exec 9>"$CACHE_ROOT/images.lock"
  flock 9
  export GOLIVE_IMAGE_LOCK_HELD=1
fi

bah() { buildah --root "$STORE/root" --runroot "$STORE/run" --storage-driver vfs "$@"; }

log() { echo "image: $*" >&2; }
die() { echo "image: $*" >&2; exit 1; }

# sha256 over files' names and contents, in a stable order. Directories are walked; a path
# that does not exist is hashed as its name alone, so adding it later changes the key.
hash_paths() {
  local p
  for p in "$@"; do
    if [[ -d $p ]]; then
      find "$p" -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
    elif [[ -f $p ]]; then
      sha256sum "$p"
    else
      echo "absent $p"
    fi
  done | sha256sum | cut -c1-64
}

hash_text() { printf '%s\n' "$@" | sha256sum | cut -c1-64; }

# A cache entry is a directory images-<kind>-<key>/ holding image.tar (a docker-archive, which
# `ctr images import`, `docker load` and `podman load` all read) and ref (the image's name).
# It exists only once complete: it is built in a sibling temporary directory and renamed.
entry_dir() { echo "$CACHE_ROOT/images-$1-${2:0:16}"; }

entry_ok() { [[ -s $1/image.tar && -s $1/ref ]]; }

# Prints "<archive> <ref>", the line every script ends with.
entry_print() { echo "$1/image.tar $(cat "$1/ref")"; }

# publish TMPDIR ENTRY: the atomic step. A run cut short leaves only a .tmp-* directory,
# which the cache check never accepts and the next run removes.
publish() {
  rm -rf "$2"
  mv "$1" "$2"
}

new_tmp() {
  # Leftovers of builds cut short (the lock is held, so none of them is running).
  rm -rf "$CACHE_ROOT"/.tmp-images-"$1"-*
  mktemp -d "$CACHE_ROOT/.tmp-images-$1-XXXXXX"
}

# Keep the newest $2 entries of a kind (runner images change with every source edit, and
# several work trees share this cache); older ones only cost disk.
prune_entries() {
  local kind=$1 keep=$2
  # shellcheck disable=SC2012
  ls -1dt "$CACHE_ROOT"/images-"$kind"-* 2>/dev/null | tail -n +"$((keep + 1))" | xargs -r rm -rf
}

# ensure_in_store ENTRY: the image of a cache entry, loaded into buildah's store if the store
# lost it (deleted, or filled by another checkout), so a later build can name it in FROM.
ensure_in_store() {
  local ref
  ref=$(cat "$1/ref")
  if ! bah inspect --type image "$ref" >/dev/null 2>&1; then
    bah pull --quiet "docker-archive:$1/image.tar" >/dev/null
    bah inspect --type image "$ref" >/dev/null 2>&1 || die "loading $1/image.tar did not give $ref"
  fi
}

# export_archive REF ARCHIVE: a docker-archive that names the image REF.
export_archive() {
  bah push --quiet "$1" "docker-archive:$2:$1" >/dev/null
}

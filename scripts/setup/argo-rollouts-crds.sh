#!/usr/bin/env bash
# The Argo Rollouts CRDs (AnalysisTemplate, AnalysisRun, ...) for the test API server, so the
# shipped AnalysisTemplate is checked by the real CRD schema (test/k8s/argo-analysis.test.ts).
# They come from the argo-rollouts Go module (manifests/crds/ is in its module zip), fetched
# through the Go module proxy at a pinned version and checked against the module's pinned
# checksum (the go.sum h1: hash, which the Go checksum database also vouches for). Only the
# YAML is used: nothing of Argo is built, linked or shipped. Cached outside the clone, keyed by
# version.
#
# Usage: bash scripts/setup/argo-rollouts-crds.sh [--print-dir]
# The last line of stdout is always the directory holding the CRD files.
set -euo pipefail

ARGO_VERSION="v1.8.3"
ARGO_MODULE_SUM="h1:blbtQva4IK9r6gFh+dWkCrLnFdPOWiv9ubQYu36qeaA="
CRDS=(analysis-template-crd.yaml analysis-run-crd.yaml cluster-analysis-template-crd.yaml)

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
DIR="${CACHE_ROOT}/argo-rollouts-${ARGO_VERSION}/crds"

all_present() {
  local f
  for f in "${CRDS[@]}"; do [[ -s "$DIR/$f" ]] || return 1; done
}
cached_dir_prologue "$DIR" all_present "$@"

need_go
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
json="$(cd "$work" && GOFLAGS= go mod download -json "github.com/argoproj/argo-rollouts@${ARGO_VERSION}")"
field() { sed -n "s/^[[:space:]]*\"$1\": \"\(.*\)\",\{0,1\}$/\1/p" <<<"$json" | head -1; }
sum="$(field Sum)"
src="$(field Dir)"
[[ "$sum" == "$ARGO_MODULE_SUM" ]] || { echo "argo-rollouts@${ARGO_VERSION}: module checksum $sum, expected $ARGO_MODULE_SUM" >&2; exit 1; }
mkdir -p "$DIR"
for f in "${CRDS[@]}"; do
  [[ -s "$src/manifests/crds/$f" ]] || { echo "argo-rollouts@${ARGO_VERSION} has no manifests/crds/$f" >&2; exit 1; }
  # Write then rename: an interrupted copy never passes the idempotency check.
  cp "$src/manifests/crds/$f" "$DIR/$f.tmp" && mv -f "$DIR/$f.tmp" "$DIR/$f"
done
echo "$DIR"

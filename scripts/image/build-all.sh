#!/usr/bin/env bash
# Every image the tests run, each built only when its inputs changed (see each script):
# the assembled base, the node runner image (k8s/runner/Dockerfile) and the k6 image.
# A user without Docker builds the runner image with this too; the archives load with
# `ctr -n k8s.io images import`, `docker load` or `podman load`.
#
# Usage: bash scripts/image/build-all.sh
# Needs root (mmdebstrap, buildah's chroot isolation) and mmdebstrap, buildah, npm, openssl.
# Progress goes to stderr; stdout ends with one line per image, "<name>=<docker-archive> <ref>":
#   base=/root/.cache/golive/images-base-…/image.tar localhost/golive-base:node20.20.2-bookworm
#   runner=/root/.cache/golive/images-runner-…/image.tar ghcr.io/golive/runner:0.1.0
#   k6=/root/.cache/golive/images-k6-…/image.tar localhost/golive/k6:1.1.0
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=lib.sh
source scripts/image/lib.sh

base=$(bash scripts/image/base.sh | tail -n 1)
runner=$(bash scripts/image/runner.sh | tail -n 1)
k6=$(bash scripts/image/k6.sh | tail -n 1)
echo "base=$base"
echo "runner=$runner"
echo "k6=$k6"

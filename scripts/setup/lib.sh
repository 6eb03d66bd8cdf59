# Shared by the setup scripts (sourced, not run): where the cache lives, and the prologue of a
# script whose last line of stdout is one cached directory. Sourcing it changes no cache key:
# the keys are the versions each script pins.
# shellcheck shell=bash

CACHE_ROOT="${GOLIVE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/golive}"

# cached_dir_prologue DIR CHECK [ARG...], with the script's own arguments as ARG: `--print-dir`
# prints DIR and exits 0 (nothing built); any other argument is a usage error (exit 2); when the
# function CHECK succeeds, the cache already holds everything: prints DIR and exits 0.
cached_dir_prologue() {
  local dir=$1 check=$2
  shift 2
  if [[ "${1:-}" == "--print-dir" ]]; then
    echo "$dir"
    exit 0
  fi
  if [[ $# -gt 0 ]]; then
    echo "unknown argument: $1 (usage: $0 [--print-dir])" >&2
    exit 2
  fi
  if "$check"; then
    echo "$dir"
    exit 0
  fi
}

need_go() {
  command -v go >/dev/null || { echo "go toolchain not found on PATH" >&2; exit 1; }
}

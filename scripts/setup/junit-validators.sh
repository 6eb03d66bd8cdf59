#!/usr/bin/env bash
# What test/junit-validators.test.ts holds junit.xml against, as a strict CI would:
# - Jenkins' xunit `junit-10.xsd`, as pytest's own tests ship it (testing/example_scripts/
#   in pytest's source archive on the Python package index), validated with `xmllint --schema`;
# - junitparser, the Python reader many CI plugins use, run with python3.
# Both are pinned by version and sha256 and kept in the version-keyed cache. pip cannot fetch
# pytest's source archive without building it, so the archive is taken from the index's simple
# page (the same listing pip reads), and its sha256 is checked before anything is unpacked.
#
# Usage: bash scripts/setup/junit-validators.sh [--print-paths]
# Stdout, always: `xsd=<path of junit-10.xsd>` and `junitparser=<dir for PYTHONPATH>`.
set -euo pipefail

PYTEST_VERSION="9.2.0"
PYTEST_SDIST_SHA256="97c4f3b1f3c7414aa36465e09b8220f1d03627993bd51b1282e193753c80557b"
XSD_SHA256="a1a816f58d1bf95ebabf371994df0b9246dee66ea9572fbec4f9296f1b2c0ff6"
JUNITPARSER_VERSION="5.0.3"
JUNITPARSER_WHEEL_SHA256="553535b8cd1672a9c8bd2c7326ae1ae69279267fbc562106b5aa44d3c5f769af"
INDEX="${PIP_INDEX_URL:-https://pypi.org/simple}"

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
XSD_DIR="${CACHE_ROOT}/junit-xsd-pytest-${PYTEST_VERSION}"
XSD="${XSD_DIR}/junit-10.xsd"
JP_DIR="${CACHE_ROOT}/junitparser-${JUNITPARSER_VERSION}"

print() { echo "xsd=${XSD}"; echo "junitparser=${JP_DIR}"; }
if [[ "${1:-}" == "--print-paths" ]]; then print; exit 0; fi
if [[ $# -gt 0 ]]; then echo "unknown argument: $1 (usage: $0 [--print-paths])" >&2; exit 2; fi

py=""
for c in python3 python; do command -v "$c" >/dev/null 2>&1 && "$c" -m pip --version >/dev/null 2>&1 && { py=$c; break; }; done
if [[ -z $py ]]; then
  echo "junit validators setup: needs python3 with pip (apt-get install -y python3-pip)" >&2
  exit 1
fi
sha() { "$py" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! [[ -f "$XSD" && "$(sha "$XSD")" == "$XSD_SHA256" ]]; then
  echo "junit validators setup: fetching pytest-${PYTEST_VERSION}.tar.gz (sha256 ${PYTEST_SDIST_SHA256:0:12}…) for junit-10.xsd" >&2
  "$py" - "$INDEX" "pytest" "pytest-${PYTEST_VERSION}.tar.gz" "$PYTEST_SDIST_SHA256" "$work/sdist.tar.gz" \
    "pytest-${PYTEST_VERSION}/testing/example_scripts/junit-10.xsd" "$work/junit-10.xsd" <<'PY'
import hashlib, html.parser, shutil, sys, tarfile, urllib.parse, urllib.request
index, project, filename, want, archive, member, out = sys.argv[1:]
page = urllib.parse.urljoin(index.rstrip('/') + '/', project + '/')
class Links(html.parser.HTMLParser):
    found = None
    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get('href') or ''
        if tag == 'a' and urllib.parse.urlsplit(href).path.endswith('/' + filename):
            self.found = urllib.parse.urljoin(page, href)
links = Links()
with urllib.request.urlopen(page, timeout=60) as r:
    links.feed(r.read().decode('utf-8', 'replace'))
if not links.found:
    sys.exit(f'{filename} is not listed on {page}')
with urllib.request.urlopen(links.found.split('#')[0], timeout=120) as r, open(archive, 'wb') as f:
    shutil.copyfileobj(r, f)
got = hashlib.sha256(open(archive, 'rb').read()).hexdigest()
if got != want:
    sys.exit(f'{filename}: sha256 {got}, pinned {want}')
with tarfile.open(archive) as t, t.extractfile(member) as src, open(out, 'wb') as dst:
    shutil.copyfileobj(src, dst)
PY
  got="$(sha "$work/junit-10.xsd")"
  if [[ "$got" != "$XSD_SHA256" ]]; then
    echo "junit validators setup: junit-10.xsd in pytest ${PYTEST_VERSION} has sha256 ${got}, pinned ${XSD_SHA256}" >&2
    exit 1
  fi
  mkdir -p "$XSD_DIR" && mv -f "$work/junit-10.xsd" "$XSD"
fi

if ! PYTHONPATH="$JP_DIR" "$py" -c "import junitparser, sys; sys.exit(junitparser.version != '${JUNITPARSER_VERSION}')" 2>/dev/null; then
  echo "junit validators setup: fetching junitparser==${JUNITPARSER_VERSION} (sha256 ${JUNITPARSER_WHEEL_SHA256:0:12}…)" >&2
  printf 'junitparser==%s --hash=sha256:%s\n' "$JUNITPARSER_VERSION" "$JUNITPARSER_WHEEL_SHA256" >"$work/requirements.txt"
  "$py" -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes --only-binary=:all: \
    -r "$work/requirements.txt" -d "$work/wheel" >&2
  # Installed into a directory of its own (PYTHONPATH for the tests), never into the system's Python.
  rm -rf "$JP_DIR.partial"
  "$py" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --no-index --target "$JP_DIR.partial" "$work"/wheel/junitparser-*.whl >&2
  rm -rf "$JP_DIR" && mv "$JP_DIR.partial" "$JP_DIR"
fi
print

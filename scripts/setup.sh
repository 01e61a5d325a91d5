#!/usr/bin/env bash
# Installs what casecell needs on a Debian/Ubuntu machine, then the project into .venv.
#   bash scripts/setup.sh          the application
#   bash scripts/setup.sh --dev    the application and its test tools
#   bash scripts/setup.sh --bundle the application and what packaging/build.sh bundles
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Libraries Qt's platforms (offscreen included) load, and a font for its widgets.
DEBIAN_PACKAGES=(libegl1 libgl1 libglx0 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3
                 libglib2.0-0 libx11-6 libxcb1 fonts-dejavu-core)
# The test tools also check the menu entry and the AppStream metainfo of packaging/.
[ "${1:-}" = "--dev" ] && DEBIAN_PACKAGES+=(desktop-file-utils appstream)
# The bundle (packaging/build.sh) carries the X11 libraries Qt's xcb platform needs.
[ "${1:-}" = "--bundle" ] && DEBIAN_PACKAGES+=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
fi
python=${PYTHON:-python3}
python_ok() { "$python" -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; }
if ! python_ok; then
  missing+=(python3 python3-venv)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "casecell setup: installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! python_ok; then
  echo "casecell a besoin de Python 3.10 ou plus récent (Ubuntu 22.04 ou Debian 12 au moins)." >&2
  echo "Sur un système plus ancien, installez le paquet prêt à l'emploi, qui apporte son propre" >&2
  echo "Python : voir packaging/README.md." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
extra=""
[ "${1:-}" = "--dev" ] && extra="[dev]"
.venv/bin/python -m pip install --quiet --upgrade pip
# --prefer-binary: on Python 3.10 the newest release of a tool may have no wheel; take the
# newest that has one rather than compile it.
.venv/bin/python -m pip install --quiet --prefer-binary --editable ".${extra}"

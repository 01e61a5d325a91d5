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
# What Qt's X11 platform (xcb, the window on a Linux desktop) loads besides: without them Qt
# aborts at start-up. The same list as casecell/desktop.py, which checks them before.
DEBIAN_PACKAGES+=(libx11-xcb1 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0
                  libxcb-keysyms1 libxcb-randr0 libxcb-render0 libxcb-render-util0
                  libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0
                  libxcb-xkb1)
# Extra packages on request (CI asks for a virtual display: xvfb xauth).
# shellcheck disable=SC2206
DEBIAN_PACKAGES+=(${CASECELL_EXTRA_PACKAGES:-})
# The test tools also check the menu entry and the AppStream metainfo of packaging/.
[ "${1:-}" = "--dev" ] && DEBIAN_PACKAGES+=(desktop-file-utils appstream)

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
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ -n "$sudo" ] && ! command -v sudo >/dev/null 2>&1; then
    echo "casecell setup : il manque des paquets Debian et ce compte ne peut pas les installer" >&2
    echo "(ni root, ni sudo). Demandez à un administrateur de l’ordinateur de lancer :" >&2
    echo "  apt-get install ${missing[*]}" >&2
    echo "La ligne de commande de casecell s’installe quand même ; la fenêtre attendra ces paquets." >&2
  else
    echo "casecell setup: installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
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

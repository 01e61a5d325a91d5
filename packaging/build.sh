#!/usr/bin/env bash
# Builds the one-folder bundle dist/casecell/: casecell with its own Python and libraries, for
# a machine that has neither Python nor pip. Then `bash packaging/install.sh` installs it.
#   bash packaging/build.sh
# Uses the project's .venv (made by scripts/setup.sh) and adds PyInstaller to it.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x .venv/bin/python ] || bash scripts/setup.sh
.venv/bin/python -m pip install --quiet "pyinstaller>=6.10,<7" "pyinstaller-hooks-contrib>=2024.8"
rm -rf build/pyinstaller dist/casecell
.venv/bin/python -m PyInstaller --noconfirm --log-level WARN \
  --workpath build/pyinstaller --distpath dist packaging/casecell.spec
echo "casecell bundle: dist/casecell ($(du -sh dist/casecell | cut -f1))"

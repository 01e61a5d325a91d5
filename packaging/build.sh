#!/usr/bin/env bash
# Builds the one-folder bundle dist/casecell/: casecell with its own Python and libraries, for
# a machine that has neither Python nor pip, with install.sh, the menu entry and the icons.
#   bash packaging/build.sh             the folder dist/casecell/
#   bash packaging/build.sh --archive   and dist/casecell-VERSION-linux-ARCH.tar.gz to hand out
# Uses the project's .venv (made by scripts/setup.sh) and adds PyInstaller to it. Build on the
# oldest Linux the users have: the bundle runs on that one and newer ones only (glibc).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh --bundle
.venv/bin/python -m pip install --quiet "pyinstaller>=6.10,<7" "pyinstaller-hooks-contrib>=2024.8"
rm -rf build/pyinstaller dist/casecell
.venv/bin/python -m PyInstaller --noconfirm --log-level WARN \
  --workpath build/pyinstaller --distpath dist packaging/casecell.spec

# What install.sh puts in the menu, beside the program.
mkdir -p dist/casecell/share/linux dist/casecell/share/icons
cp packaging/linux/fr.casecell.casecell.desktop packaging/linux/fr.casecell.casecell.metainfo.xml \
  dist/casecell/share/linux/
cp packaging/icons/casecell.svg packaging/icons/casecell-*.png dist/casecell/share/icons/
cp packaging/install.sh dist/casecell/install.sh
cp packaging/README.md dist/casecell/LISEZ-MOI.md
echo "casecell bundle: dist/casecell ($(du -sh dist/casecell | cut -f1))"

if [ "${1:-}" = "--archive" ]; then
  version=$(dist/casecell/casecell --version | awk '{print $2}')
  archive="dist/casecell-$version-linux-$(uname -m).tar.gz"
  tar -C dist -czf "$archive" casecell
  echo "casecell archive: $archive ($(du -sh "$archive" | cut -f1))"
fi

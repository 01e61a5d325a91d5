#!/usr/bin/env bash
# Renders casecell.svg into the PNG sizes of the hicolor theme and the Windows .ico.
# Run again after changing the SVG (needs Debian's librsvg2-bin and icoutils); the results
# are committed, so building and installing need neither.
set -euo pipefail
cd "$(dirname "$0")"
sizes=(16 24 32 48 64 128 256)
for size in "${sizes[@]}"; do
  rsvg-convert --width "$size" --height "$size" casecell.svg -o "casecell-$size.png"
done
icotool --create -o casecell.ico casecell-{16,24,32,48}.png --raw=casecell-256.png

#!/usr/bin/env bash
# Remake the pictures in docs/screenshots with `casecell gui --screenshot` on a fresh demo vault
# (fictitious people only), in a throw-away data folder. Usage: bash scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
export XDG_DATA_HOME="$data" CASECELL_USER=demo CASECELL_PASSPHRASE="démonstration casecell"
export QT_QPA_PLATFORM=offscreen
.venv/bin/casecell demo >/dev/null
out=docs/screenshots
mkdir -p "$out"
.venv/bin/casecell gui --vault "$data/empty/casecell.vault" --screenshot "$out/premier-lancement.png" --page welcome
for pair in login:deverrouillage cases:situations case:situation partners:partenaires persons:personnes meetings:reunions meeting:reunion; do
    .venv/bin/casecell gui --demo --screenshot "$out/${pair#*:}.png" --page "${pair%%:*}"
done
echo "captures écrites dans $out"

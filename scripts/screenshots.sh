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
for pair in login:deverrouillage home:accueil cases:situations case:situation partners:partenaires persons:personnes meetings:reunions meeting:reunion reports:rapports; do
    .venv/bin/casecell gui --demo --screenshot "$out/${pair#*:}.png" --page "${pair%%:*}"
done
# Pages of the documents, as images: minutes (both copies) and last year's report.
demo="$(.venv/bin/python -c 'from casecell.paths import demo_vault; print(demo_vault())')"
meeting="$(.venv/bin/casecell meetings list --vault "$demo" --from 2000-01-01 --to "$(date +%F)" \
    2>/dev/null | grep -i "tenue" | tail -1 | cut -f1 || true)"
if [ -n "$meeting" ] && command -v pdftoppm >/dev/null; then
    .venv/bin/casecell minutes "$meeting" --vault "$demo" -o "$data/cr.pdf"
    .venv/bin/casecell minutes "$meeting" --vault "$demo" --pseudonymised -o "$data/cr-p.pdf"
    pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$data/cr.pdf" "$out/compte-rendu-nominatif"
    pdftoppm -png -r 80 -f 2 -l 2 -singlefile "$data/cr-p.pdf" "$out/compte-rendu-pseudonymise"
fi
year=$(( $(date +%Y) - 1 ))
if command -v pdftoppm >/dev/null; then
    .venv/bin/casecell report --vault "$demo" --from "$year-01-01" --to "$year-12-31" --external -o "$data/r.pdf"
    pdftoppm -png -r 70 -f 2 -l 3 "$data/r.pdf" "$out/rapport"
fi
echo "captures écrites dans $out"

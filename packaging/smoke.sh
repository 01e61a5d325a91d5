#!/usr/bin/env bash
# Checks the bundle as a user would run it: no Python of ours, only dist/casecell/.
#   bash packaging/smoke.sh          builds the bundle (packaging/build.sh), then checks it
#   bash packaging/smoke.sh --built  checks the bundle already in dist/casecell/
# The bundle makes a demo vault, takes a screenshot of it offscreen, writes a PDF, and does a
# round trip: export → import into a new vault → search finds the same situation.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--built" ]; then
  start=$(date +%s)
  bash packaging/build.sh
  echo "casecell bundle: built in $(( $(date +%s) - start )) s"
fi
app="$PWD/dist/casecell/casecell"
[ -x "$app" ] || { echo "smoke: no bundle at $app" >&2; exit 1; }
# Europe/Paris for a system without zoneinfo (Windows, minimal containers).
[ -f "$(dirname "$app")/_internal/tzdata/zoneinfo/Europe/Paris" ] \
  || { echo "smoke: the bundle has no tzdata" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A home of its own, and nothing from the project's Python on the way.
export HOME="$work/home" XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state"
export XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" QT_QPA_PLATFORM=offscreen
unset PYTHONPATH PYTHONHOME VIRTUAL_ENV CASECELL_VAULT CASECELL_LANG
mkdir -p "$work/demo" "$work/copy" "$HOME"
cd "$work"

fail() { echo "smoke: $*" >&2; exit 1; }

"$app" --version
"$app" demo --vault demo --cases 20 --seed 7 --as-of 2026-11-16 >/dev/null
export CASECELL_USER=demo CASECELL_PASSPHRASE="démonstration casecell"

"$app" gui --vault demo --screenshot cases.png --page cases
[ "$(head -c 8 cases.png | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] \
  || fail "the screenshot is not a PNG"

meeting=$("$app" meetings list --vault demo | head -n 1 | cut -f1)
"$app" agenda "$meeting" --vault demo -o agenda.pdf >/dev/null
[ "$(head -c 5 agenda.pdf)" = "%PDF-" ] || fail "the agenda is not a PDF"

# The first situation and the last name of its person, as the list prints them.
first=$("$app" case list --vault demo --limit 1)
reference=$(cut -f1 <<<"$first")
last_name=$(cut -f3 <<<"$first" | awk '{print $1}')
"$app" export --vault demo -o export.json >/dev/null

CASECELL_NEW_PASSPHRASE="phrase de passe de la copie" \
  "$app" init --vault copy --user admin.copie >/dev/null
export CASECELL_USER=admin.copie CASECELL_PASSPHRASE="phrase de passe de la copie"
"$app" import --vault copy export.json
found=$("$app" search --vault copy "$last_name" | cut -f1)  # reference, person, status, review
grep -qx "$reference" <<<"$found" || fail "search for the imported person did not find $reference"
"$app" check --vault copy >/dev/null

# install.sh from the bundle: the program, the command, the menu entry and the icons; then
# the installed command runs, and --uninstall takes everything away but the vaults.
bash "$(dirname "$app")/install.sh" >/dev/null
menu="$XDG_DATA_HOME/applications/fr.casecell.casecell.desktop"
[ -f "$menu" ] || fail "no menu entry"
grep -qx "Exec=\"$HOME/.local/opt/casecell/casecell\"" "$menu" || fail "the menu entry starts nothing"
[ -f "$XDG_DATA_HOME/icons/hicolor/48x48/apps/casecell.png" ] || fail "no icon"
"$HOME/.local/bin/casecell" --version >/dev/null
if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$menu"; fi
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net --pedantic "$XDG_DATA_HOME/metainfo/fr.casecell.casecell.metainfo.xml" >/dev/null \
    || fail "appstreamcli does not accept the metainfo"
fi
bash "$HOME/.local/opt/casecell/install.sh" --uninstall >/dev/null
[ ! -e "$menu" ] && [ ! -e "$HOME/.local/opt/casecell" ] && [ ! -e "$HOME/.local/bin/casecell" ] \
  || fail "--uninstall left files behind"

echo "casecell bundle: smoke test passed ($(du -sh "$(dirname "$app")" | cut -f1))"

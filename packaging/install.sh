#!/usr/bin/env bash
# Installe casecell pour vous seul, sans droits d'administrateur :
#   le programme dans ~/.local/opt/casecell, la commande ~/.local/bin/casecell,
#   l'entrée du menu des applications et son icône.
#   bash install.sh               installe (ou met à jour)
#   bash install.sh --uninstall   désinstalle (vos coffres et sauvegardes restent en place)
# Lancé depuis le dossier du paquet (à côté du programme casecell), ou depuis les sources
# après `bash packaging/build.sh`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

prefix="${CASECELL_PREFIX:-$HOME/.local}"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
target="$prefix/opt/casecell"
command_link="$prefix/bin/casecell"
app_id="fr.casecell.casecell"
desktop_file="$data/applications/$app_id.desktop"
metainfo_file="$data/metainfo/$app_id.metainfo.xml"
sizes=(16 24 32 48 64 128 256)

refresh_menus() {
  command -v update-desktop-database >/dev/null 2>&1 \
    && update-desktop-database -q "$data/applications" 2>/dev/null || true
  # Only refresh an icon cache that exists: a new one would go stale and hide other icons.
  [ -f "$data/icons/hicolor/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null 2>&1 \
    && gtk-update-icon-cache -q -t "$data/icons/hicolor" 2>/dev/null || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$target"
  [ -L "$command_link" ] && rm -f "$command_link"
  rm -f "$desktop_file" "$metainfo_file" "$data/icons/hicolor/scalable/apps/casecell.svg"
  for size in "${sizes[@]}"; do
    rm -f "$data/icons/hicolor/${size}x${size}/apps/casecell.png"
  done
  refresh_menus
  echo "casecell est désinstallé. Vos coffres et vos sauvegardes n'ont pas été touchés"
  echo "(le coffre habituel est dans $data/casecell)."
  exit 0
fi
if [ $# -gt 0 ]; then
  echo "Usage : bash install.sh [--uninstall]" >&2
  exit 2
fi

# Where the bundle is: this folder (an unpacked package), or dist/casecell of a source tree.
if [ -x "$here/casecell" ] && [ -d "$here/_internal" ]; then
  bundle="$here"
elif [ -x "$here/../dist/casecell/casecell" ]; then
  bundle="$(cd "$here/../dist/casecell" && pwd)"
else
  echo "Programme casecell introuvable à côté de install.sh." >&2
  echo "Décompressez d'abord le paquet en entier, puis relancez : bash install.sh" >&2
  exit 1
fi
share="$bundle/share"
[ -d "$share" ] || share="$here"  # a source tree: packaging/ holds linux/ and icons/

if [ "$bundle" != "$target" ]; then
  mkdir -p "$prefix/opt"
  rm -rf "$target.new"
  cp -a "$bundle" "$target.new"
  rm -rf "$target"
  mv "$target.new" "$target"
fi

mkdir -p "$prefix/bin" "$data/applications" "$data/metainfo" \
  "$data/icons/hicolor/scalable/apps"
ln -sfn "$target/casecell" "$command_link"
# The menu entry starts the installed program by its full path (quoted for spaces).
sed "s|^Exec=casecell\$|Exec=\"$target/casecell\"|" "$share/linux/$app_id.desktop" \
  >"$desktop_file"
cp "$share/linux/$app_id.metainfo.xml" "$metainfo_file"
cp "$share/icons/casecell.svg" "$data/icons/hicolor/scalable/apps/casecell.svg"
for size in "${sizes[@]}"; do
  mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
  cp "$share/icons/casecell-$size.png" "$data/icons/hicolor/${size}x${size}/apps/casecell.png"
done
refresh_menus

echo "casecell est installé dans $target."
echo "Lancez-le depuis le menu des applications (« casecell »), ou avec la commande :"
echo "  $command_link"

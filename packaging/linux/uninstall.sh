#!/usr/bin/env bash
# Remove what install.sh installed for the current user, and nothing else.
#
#   bash ~/.local/lib/reelwatch/uninstall.sh      (install.sh puts a copy in the bundle)
#
# It reads the list install.sh wrote (.install-manifest in the installed bundle: the folder
# this script is in, else REELWATCH_APP_DIR, else ~/.local/lib/reelwatch) and removes those
# files, the command's symlink (only while it still points into the bundle), the bundle, and
# the folders install.sh created (only when empty). The user's data in
# $XDG_DATA_HOME/reelwatch (tasks.sqlite3, videos/, logs) and the settings in
# ~/.config/reelwatch are never touched.
set -euo pipefail

APP_ID=tech.reelwatch.Reelwatch
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -z "${REELWATCH_APP_DIR:-}" ] && [ -f "$here/.install-manifest" ]; then
  app_dir=$here  # the copy inside an installed bundle
else
  app_dir=${REELWATCH_APP_DIR:-$HOME/.local/lib/reelwatch}
fi
user_data=$data_home/reelwatch
manifest=$app_dir/.install-manifest

die() { echo "uninstall.sh: $*" >&2; exit 1; }

case "$app_dir" in
  ""|/|"$HOME"|"$HOME/"|"$user_data"|"$user_data/") die "refusing to remove $app_dir" ;;
esac

entries=()
if [ -f "$manifest" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    [ -n "$line" ] && entries+=("$line")
  done < "$manifest"
elif [ -d "$app_dir" ] || [ -e "$data_home/applications/$APP_ID.desktop" ]; then
  # No manifest (an interrupted install): the files install.sh would have written.
  echo "No install manifest in $app_dir; removing the default locations."
  for icon in "$data_home"/icons/hicolor/*/apps/"$APP_ID".png \
              "$data_home"/icons/hicolor/*/apps/"$APP_ID".svg; do
    [ -e "$icon" ] && entries+=("file $icon")
  done
  entries+=("file $data_home/applications/$APP_ID.desktop"
            "file $data_home/metainfo/$APP_ID.metainfo.xml"
            "link $HOME/.local/bin/reelwatch")
else
  echo "Reelwatch is not installed here (no $app_dir)."
  exit 0
fi

echo "Removing Reelwatch"
dirs=()
for entry in "${entries[@]}"; do
  kind=${entry%% *}
  path=${entry#* }
  case "$path/" in
    "$user_data/"*) echo "  skipped $path (user data)"; continue ;;
  esac
  case "$kind" in
    file)
      if [ -f "$path" ] && [ ! -L "$path" ]; then rm -f "$path"; echo "  $path"; fi ;;
    link)
      target=$(readlink "$path" 2>/dev/null || true)
      if [ -L "$path" ] && [ "${target#"$app_dir"/}" != "$target" ]; then
        rm -f "$path"; echo "  $path"
      fi ;;
    dir)
      dirs=("$path" "${dirs[@]}") ;;  # deepest first: they were recorded top-down
  esac
done

if [ -d "$app_dir" ]; then
  [ -x "$app_dir/reelwatch" ] || [ -f "$manifest" ] \
    || die "$app_dir does not look like a Reelwatch bundle; not removing it"
  rm -rf "$app_dir"
  echo "  $app_dir/"
fi

for dir in "${dirs[@]}"; do
  if [ -d "$dir" ] && rmdir "$dir" 2>/dev/null; then echo "  $dir/ (empty)"; fi
done

if [ -f "$data_home/applications/mimeinfo.cache" ] \
   && command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q "$data_home/applications" || true
fi
if [ -f "$data_home/icons/hicolor/icon-theme.cache" ] \
   && command -v gtk-update-icon-cache >/dev/null 2>&1; then
  gtk-update-icon-cache -q -t -f "$data_home/icons/hicolor" || true
fi

echo "Reelwatch is uninstalled."
if [ -d "$user_data" ]; then
  echo "Your tasks and videos are still in $user_data; delete that folder to remove them too."
fi

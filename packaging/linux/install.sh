#!/usr/bin/env bash
# Install a Reelwatch bundle for the current user; no root needed.
#
#   bash install.sh [BUNDLE]
#
# BUNDLE is a built bundle folder (dist/reelwatch in a checkout) or a release archive
# (reelwatch-<version>-linux-<arch>.tar.gz). Without it: app/ beside this script (an unpacked
# release archive), else dist/reelwatch of the checkout this script is in.
#
# What goes where (XDG_DATA_HOME defaults to ~/.local/share):
#   the bundle        ~/.local/lib/reelwatch/            (REELWATCH_APP_DIR overrides)
#   the command       ~/.local/bin/reelwatch             (a symlink into the bundle)
#   icons             $XDG_DATA_HOME/icons/hicolor/<size>/apps/tech.reelwatch.Reelwatch.*
#   menu entry        $XDG_DATA_HOME/applications/tech.reelwatch.Reelwatch.desktop
#   AppStream data    $XDG_DATA_HOME/metainfo/tech.reelwatch.Reelwatch.metainfo.xml
# Not under $XDG_DATA_HOME/reelwatch: that folder holds the user's tasks and videos.
# Every file and folder created is listed in <bundle>/.install-manifest, which
# <bundle>/uninstall.sh reads.
set -euo pipefail

APP_ID=tech.reelwatch.Reelwatch
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
data_home=${XDG_DATA_HOME:-$HOME/.local/share}
app_dir=${REELWATCH_APP_DIR:-$HOME/.local/lib/reelwatch}
bin_dir=$HOME/.local/bin
user_data=$data_home/reelwatch

die() { echo "install.sh: $*" >&2; exit 1; }

# -- the bundle to install ---------------------------------------------------------------
source_arg=${1:-}
if [ -z "$source_arg" ]; then
  if [ -d "$here/app" ]; then source_arg=$here/app
  else source_arg=$(cd "$here/../.." && pwd)/dist/reelwatch
  fi
fi
unpacked=""
cleanup() { if [ -n "$unpacked" ]; then rm -rf "$unpacked"; fi; }
trap cleanup EXIT
if [ -f "$source_arg" ]; then
  case "$source_arg" in
    *.tar.gz|*.tgz) ;;
    *) die "not a bundle folder or a .tar.gz: $source_arg" ;;
  esac
  unpacked=$(mktemp -d)
  tar -xzf "$source_arg" -C "$unpacked"
  bundle=$(find "$unpacked" -mindepth 2 -maxdepth 2 -type d -name app | head -n 1)
  [ -n "$bundle" ] || die "no app/ folder in $source_arg"
else
  bundle=$source_arg
fi
if [ ! -x "$bundle/reelwatch" ] || [ ! -d "$bundle/_internal" ]; then
  die "not a Reelwatch bundle (no reelwatch executable and _internal/): $bundle"
fi

case "$app_dir/" in
  "$user_data/"*) die "refusing to install into the data folder $user_data" ;;
esac
case "$app_dir" in
  ""|/|"$HOME"|"$HOME/") die "refusing to install into $app_dir" ;;
esac

# -- helpers that record what they create -------------------------------------------------
manifest_lines=()
make_dir() {  # mkdir -p, remembering each folder that did not exist yet
  local dir=$1 missing=()
  while [ ! -d "$dir" ]; do missing=("$dir" "${missing[@]}"); dir=$(dirname "$dir"); done
  for dir in "${missing[@]}"; do mkdir "$dir"; manifest_lines+=("dir $dir"); done
}
put_file() {  # put_file SOURCE TARGET
  make_dir "$(dirname "$2")"
  install -m 644 "$1" "$2"
  manifest_lines+=("file $2")
  echo "  $2"
}

echo "Installing Reelwatch from $bundle"

# A reinstall keeps the folders the first install created on its list, for uninstall.sh.
if [ -f "$app_dir/.install-manifest" ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    if [ "${line#dir }" != "$line" ] && [ -d "${line#dir }" ]; then manifest_lines+=("$line"); fi
  done < "$app_dir/.install-manifest"
fi

# -- the bundle: copied beside, then swapped in, so a failed copy leaves the old one ---------
# Folders created above the bundle are recorded too: the manifest lives inside the bundle.
make_dir "$(dirname "$app_dir")"
staging="$app_dir.new.$$"
rm -rf "$staging"
cp -a "$bundle" "$staging"
rm -rf "$app_dir"
mv "$staging" "$app_dir"
echo "  $app_dir/"

# -- the command --------------------------------------------------------------------------
link=$bin_dir/reelwatch
linked=0
if [ -L "$link" ] || [ ! -e "$link" ]; then
  target=$(readlink "$link" 2>/dev/null || true)
  if [ ! -e "$link" ] || [ "${target#"$app_dir"/}" != "$target" ]; then
    make_dir "$bin_dir"
    ln -sfn "$app_dir/reelwatch" "$link"
    manifest_lines+=("link $link")
    linked=1
    echo "  $link -> $app_dir/reelwatch"
  fi
fi
if [ "$linked" = 0 ]; then
  echo "  (left $link alone: it is not ours, e.g. a pip install; the menu entry still works)"
fi

# -- icons, menu entry, AppStream data ------------------------------------------------------
for icon in "$here"/icons/hicolor/*/apps/"$APP_ID".*; do
  size=$(basename "$(dirname "$(dirname "$icon")")")
  put_file "$icon" "$data_home/icons/hicolor/$size/apps/$(basename "$icon")"
done

# The menu entry runs the bundle by its full path: ~/.local/bin is not on every session's PATH.
exec_path=$app_dir/reelwatch
case "$exec_path" in
  *[[:space:]\"\`\$\\]*)  # quote per the Desktop Entry spec when the path needs it
    quoted=$(printf '%s' "$exec_path" | sed -e 's/[\\"`$]/\\&/g')
    exec_value="\"$quoted\"" ;;
  *) exec_value=$exec_path ;;
esac
desktop_tmp=$(mktemp)
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    Exec=*) printf 'Exec=%s\n' "$exec_value" ;;
    TryExec=*) printf 'TryExec=%s\n' "$exec_path" ;;
    *) printf '%s\n' "$line" ;;
  esac
done < "$here/$APP_ID.desktop" > "$desktop_tmp"
put_file "$desktop_tmp" "$data_home/applications/$APP_ID.desktop"
rm -f "$desktop_tmp"
put_file "$here/$APP_ID.metainfo.xml" "$data_home/metainfo/$APP_ID.metainfo.xml"

printf '%s\n' "${manifest_lines[@]}" > "$app_dir/.install-manifest"
install -m 755 "$here/uninstall.sh" "$app_dir/uninstall.sh"  # removed with the bundle

# -- caches, where the desktop has the tools --------------------------------------------------
# Refresh only caches that already exist: the entry declares no MIME types, and an icon cache
# created here would go stale when other apps add icons without refreshing it.
if [ -f "$data_home/applications/mimeinfo.cache" ] \
   && command -v update-desktop-database >/dev/null 2>&1; then
  update-desktop-database -q "$data_home/applications" || true
fi
if [ -f "$data_home/icons/hicolor/icon-theme.cache" ] \
   && command -v gtk-update-icon-cache >/dev/null 2>&1; then
  gtk-update-icon-cache -q -t -f "$data_home/icons/hicolor" || true
fi
touch "$data_home/icons/hicolor" 2>/dev/null || true

echo "Reelwatch is installed. Start it from the applications menu or with: reelwatch"
case ":$PATH:" in
  *":$bin_dir:"*) ;;
  *) echo "Note: $bin_dir is not on your PATH; the menu entry works regardless." ;;
esac
echo "To uninstall: bash $app_dir/uninstall.sh (your tasks and videos in $user_data stay)."

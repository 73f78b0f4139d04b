#!/usr/bin/env sh
# Install this unpacked bundle for the current user: the program in ~/.local/opt/marginalia, the
# command in ~/.local/bin, the menu entry and icon where desktops look for them. Nothing needs root.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
target=$HOME/.local/opt/marginalia
mkdir -p "$HOME/.local/opt" "$HOME/.local/bin" "$data/applications" "$data/icons/hicolor/256x256/apps"
if [ "$here" != "$target" ]; then
  rm -rf "$target.new"
  cp -R "$here" "$target.new"
  rm -rf "$target"
  mv "$target.new" "$target"
fi
ln -sf "$target/marginalia" "$HOME/.local/bin/marginalia"
cp "$target/marginalia.png" "$data/icons/hicolor/256x256/apps/marginalia.png"
sed "s|^Exec=marginalia|Exec=$target/marginalia|" "$target/marginalia.desktop" > "$data/applications/marginalia.desktop"
echo "installed: $HOME/.local/bin/marginalia and Marginalia in the applications menu"

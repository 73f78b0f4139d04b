#!/usr/bin/env bash
# Build the standalone bundle with PyInstaller, in the active virtual environment (the README's).
# Result: dist/marginalia/ (the program, Python, Qt, spaCy; `dist/marginalia/marginalia` starts it,
# install.sh installs it for the user with its menu entry and icon) and the same as a .tar.gz.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet -e '.[bundle]'
rm -rf build/pyinstaller dist/marginalia
mkdir -p build/icon
QT_QPA_PLATFORM=offscreen python3 packaging/make_icon.py build/icon/marginalia.png 256
pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller packaging/marginalia.spec
cp packaging/marginalia.desktop packaging/install.sh build/icon/marginalia.png dist/marginalia/
version=$(dist/marginalia/marginalia --version | cut -d' ' -f2)
tar -C dist -czf "dist/marginalia-$version-linux-$(uname -m).tar.gz" marginalia
du -sh dist/marginalia "dist/marginalia-$version-linux-$(uname -m).tar.gz"

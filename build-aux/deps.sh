#!/bin/sh
# Install what FlowTrace needs to build, run and test, from the distribution's
# packages (Debian 12, Ubuntu 23.04 or newer).  Safe to run again.
# clang (with its libFuzzer runtime) and valgrind are for the hardening
# tests (build-aux/hardening.sh).
set -eu

PACKAGES="
  gcc meson ninja-build pkg-config gettext
  python3 python3-dev
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev
  libjson-glib-dev libsoup-3.0-dev
  desktop-file-utils appstream
  xvfb xauth
  flatpak-builder
  clang libclang-rt-dev valgrind
"

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "deps.sh: run as root or install sudo to install:$PACKAGES" >&2
  exit 1
fi

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done

if [ -n "$missing" ]; then
  echo "deps.sh: installing$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

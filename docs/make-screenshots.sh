#!/bin/sh
# Regenerates the screenshots of docs/user-guide.md (docs/images/*.png):
# traces the samples with a build folder's flowtrace and draws them with its
# flowtrace-gtk --screenshot, under Xvfb, in English, with the default
# settings (not yours).
#
#   meson compile -C build && docs/make-screenshots.sh [BUILD]
#
# BUILD defaults to ./build.  Look at every image before committing it: it
# must show what the guide says it shows.  The images go to
# $FT_SHOTS_OUT instead of docs/images when it is set, and the samples run
# in $FT_SHOTS_DEMO instead of /tmp/flowtrace-demo (tests/install does both).
set -eu

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$SRC/build}" 2>/dev/null && pwd) && test -x "$BUILD/src/flowtrace-gtk" || {
  echo "make-screenshots.sh: no built flowtrace-gtk in ${1:-$SRC/build}; build first:" \
       "meson setup build && meson compile -C build" >&2
  exit 1
}
IMAGES=${FT_SHOTS_OUT:-$SRC/docs/images}
# A fixed folder, so the paths the pictures show do not change every time.
DEMO=${FT_SHOTS_DEMO:-/tmp/flowtrace-demo}

command -v xvfb-run >/dev/null 2>&1 || {
  echo "make-screenshots.sh: xvfb-run is missing (build-aux/deps.sh installs it)" >&2
  exit 1
}
mkdir "$DEMO" 2>/dev/null || {
  echo "make-screenshots.sh: $DEMO exists: another run is going on, or one was" \
       "interrupted; remove it and try again" >&2
  exit 1
}
trap 'rm -rf "$DEMO"' EXIT
cp -R "$SRC/samples/." "$DEMO/"
mkdir -p "$IMAGES"

export GSETTINGS_BACKEND=memory LANGUAGE=en

in_build () {
  meson devenv -C "$BUILD" -w "$DEMO" "$@"
}

trace () {                              # trace OUT.json SCRIPT [ARGS...]
  out=$1; shift
  in_build flowtrace -o "$out" -s "$@" >/dev/null 2>&1 || true
  test -s "$DEMO/$out" || { echo "make-screenshots.sh: tracing $1 failed" >&2; exit 1; }
}

shot () {                               # shot NAME.png [flowtrace-gtk ARGS...]
  name=$1; shift
  # Its stderr only matters when it fails (no D-Bus session under Xvfb).
  in_build xvfb-run -a -s "-screen 0 1600x1000x24" \
    flowtrace-gtk --screenshot "$IMAGES/$name" "$@" 2>"$DEMO/stderr" || {
    cat "$DEMO/stderr" >&2
    echo "make-screenshots.sh: drawing $name failed" >&2
    exit 1
  }
  echo "$IMAGES/$name"
}

trace complex.json complex/complex_app.py
trace concurrent.json concurrent/conc_demo.py
# Fails on purpose (exit status 1): its ValueError is the point.
trace error.json error/error_internal_sample.py

shot tree-errors.png error.json
shot timeline.png --view timeline concurrent.json
shot hotspots.png --view hotspots complex.json
shot run.png -o run.json --run basic/basic_sample.py --customer "ana maria" --tier gold --coffee 3

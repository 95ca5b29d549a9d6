#!/usr/bin/env bash
# The hardening part of the test suite (README "Testing"): the whole suite
# again under AddressSanitizer and UndefinedBehaviorSanitizer, valgrind's
# memcheck on the core's loader and exporter tests, and a bounded libFuzzer
# run of each fuzz target.  Any report fails.
#
#   build-aux/hardening.sh [asan] [valgrind] [fuzz]     (default: all three)
#
# Build folders: build-asan/ and build-fuzz/ beside build/ (which the
# valgrind step uses and must exist).  FUZZ_SECONDS (default 30) bounds each
# fuzz target; FLOWTRACE_HARDENING_JOBS caps parallel tests.
set -uo pipefail
cd "$(dirname "$0")/.."
src=$PWD

steps=("$@")
[ ${#steps[@]} -eq 0 ] && steps=(asan valgrind fuzz)
fuzz_seconds=${FUZZ_SECONDS:-30}
jobs=(${FLOWTRACE_HARDENING_JOBS:+--num-processes "$FLOWTRACE_HARDENING_JOBS"})
failed=()

say() { printf '[hardening] %s\n' "$*"; }

setup() {  # setup DIR [meson setup arguments]: configure once, then build
  local dir=$1 out; shift
  if [ ! -f "$dir/build.ninja" ]; then
    out=$(meson setup "$dir" "$@" 2>&1) || { printf '%s\n' "$out"; return 1; }
  fi
  meson compile -C "$dir" >/dev/null || meson compile -C "$dir"
}

# A report stops the program (abort_on_error, halt_on_error and
# -fno-sanitize-recover), so the test that hit it fails.  Leaks of the
# libraries' own process-long caches are in build-aux/lsan.supp.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:strict_string_checks=1:check_initialization_order=1
export LSAN_OPTIONS=suppressions=$src/build-aux/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

step_asan() {
  local libasan status=0
  say "AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/"
  setup build-asan -Db_sanitize=address,undefined -Db_lundef=false || return 1
  # The core and app tests run Python through build-asan/sanitizer-python.
  # The install suite builds FlowTrace once more, without sanitizers: it
  # checks packaging, which build/ already did.
  meson test -C build-asan --print-errorlogs --no-suite pyhook --no-suite app --no-suite install "${jobs[@]}" \
    --timeout-multiplier 4 --logbase testlog-asan || status=1
  # The widgets' leaks can only be told from GTK's, GLib's and fontconfig's
  # (build-aux/lsan.supp) with whole stacks: those libraries have no frame
  # pointers for the fast unwinder (about 5 times slower).  Mesa's GL driver
  # is unloaded before the leak check, so nothing of it could be named: the
  # widgets draw without GL here.
  ASAN_OPTIONS=$ASAN_OPTIONS:fast_unwind_on_malloc=0:malloc_context_size=30 GDK_DEBUG=gl-disable \
    meson test -C build-asan --print-errorlogs --suite app "${jobs[@]}" \
    --timeout-multiplier 10 --logbase testlog-asan-app || status=1
  # The tracer's own tests run the interpreters directly: CPython is not
  # built with ASan, so its runtime has to come first, and CPython's own
  # allocations at exit are not ours to report.
  libasan=$(gcc -print-file-name=libasan.so)
  LD_PRELOAD=$libasan ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 \
    meson test -C build-asan --print-errorlogs --suite pyhook "${jobs[@]}" \
    --timeout-multiplier 4 --logbase testlog-asan-pyhook || status=1
  return $status
}

step_valgrind() {
  say "valgrind memcheck on the loader and exporter tests (build/)"
  command -v valgrind >/dev/null || { say "valgrind is not installed (build-aux/deps.sh)"; return 1; }
  setup build || return 1
  meson test -C build --setup valgrind --print-errorlogs "${jobs[@]}" \
    --logbase testlog-valgrind test-trace test-otlp fuzz-trace-replay fuzz-value-replay fuzz-otlp-replay
}

step_fuzz() {
  say "libFuzzer: ${fuzz_seconds}s per target in build-fuzz/ (clang)"
  command -v clang >/dev/null || { say "clang is not installed (build-aux/deps.sh)"; return 1; }
  CC=clang setup build-fuzz -Dfuzzing=true -Dfuzz_seconds="$fuzz_seconds" \
    -Db_sanitize=address,undefined -Db_lundef=false || return 1
  meson configure build-fuzz -Dfuzz_seconds="$fuzz_seconds" >/dev/null
  if ! meson test -C build-fuzz --print-errorlogs --suite fuzz --suite fuzz-run --logbase testlog-fuzz; then
    say "crashing inputs are in build-fuzz/fuzz-artifacts/: fix the bug, then keep the input"
    say "in tests/fuzz/regressions/TARGET/ so every build replays it"
    return 1
  fi
}

for step in "${steps[@]}"; do
  case $step in
    asan|valgrind|fuzz) "step_$step" || failed+=("$step") ;;
    *) echo "usage: $0 [asan] [valgrind] [fuzz]" >&2; exit 2 ;;
  esac
done

if [ ${#failed[@]} -gt 0 ]; then
  say "FAILED: ${failed[*]}"
  exit 1
fi
say "passed: ${steps[*]}"

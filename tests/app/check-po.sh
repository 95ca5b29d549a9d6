#!/bin/sh
# Every message of a translation is translated and well-formed: msgfmt
# checks formats and headers, and its statistics must count no fuzzy or
# untranslated message.
set -eu
po="$1"
stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1)
echo "$po: $stats"
case "$stats" in
  *fuzzy*|*untranslated*) echo "$po: incomplete, see above" >&2; exit 1 ;;
esac

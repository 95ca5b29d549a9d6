#!/bin/sh
# A translation is complete and well-formed:
#  - msgfmt checks formats and headers, and its statistics must count no
#    fuzzy or untranslated message;
#  - with the source folder: every file with translatable strings is listed
#    in po/POTFILES.in, and every message xgettext extracts from those files
#    today (the template meson's i18n module would make) has its entry in
#    the translation, so a new string without its translation fails here.
set -eu
po="$1"
srcroot="${2:-}"

stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1)
echo "$po: $stats"
case "$stats" in
  *fuzzy*|*untranslated*) echo "$po: incomplete, see above" >&2; exit 1 ;;
esac

[ -n "$srcroot" ] || exit 0
cd "$srcroot"

unlisted=$(grep -rlE '\bN?_ ?\(|C_ ?\(|translatable="yes"' src data --include='*.c' --include='*.ui' --include='*.in' \
             | sort | while read -r f; do grep -qxF "$f" po/POTFILES.in || echo "$f"; done)
if [ -n "$unlisted" ]; then
  echo "po/POTFILES.in does not list these files with translatable strings:" >&2
  echo "$unlisted" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The keywords of meson's 'glib' gettext preset.
xgettext --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  -f po/POTFILES.in -o "$tmp/template.pot"
if ! msgcmp "$po" "$tmp/template.pot" 2>"$tmp/missing"; then
  echo "$po lacks messages the sources have now (add them, then translate):" >&2
  sed -n 's/^[^:]*:\([0-9]*\): this message is used but not defined.*/\1/p' "$tmp/missing" |
    while read -r n; do
      awk -v n="$n" 'NR <= n { if ($0 ~ /^msgid /) first = NR; line[NR] = $0 }
                     END { for (i = first; i <= n; i++) print line[i] }' "$tmp/template.pot"
    done >&2
  exit 1
fi
echo "$po: covers the $(grep -c '^msgid "' "$tmp/template.pot") messages of the sources"

#!/bin/sh
# House style: every C file of generator/ and tests/unit/ is as clang-format
# writes it under the checked-in .clang-format (make format rewrites them).
. "$(dirname "$0")/../lib.sh"

if ! command -v clang-format >/dev/null 2>&1; then
    skip "style: clang-format" "clang-format is not installed (make test-deps)"
    exit 0
fi
unclean=""
for f in $(cd "$ROOT" && git ls-files 'generator/*.c' 'generator/*.h' 'tests/unit/*.c' 'tests/unit/*.h' 2>/dev/null || find generator tests/unit -name '*.[ch]'); do
    (cd "$ROOT" && clang-format --style=file "$f" | cmp -s - "$f") || unclean="$unclean $f"
done
if [ -z "$unclean" ]; then ok "every C file is clean under .clang-format"
else fail "every C file is clean under .clang-format" "not clean:$unclean (make format)"; fi

# the check itself can fail: a file with a style fault is caught
mkdir -p "$TMP/fmt" && cp "$ROOT/.clang-format" "$TMP/fmt/"
printf 'int  main( void ){return 0;}\n' >"$TMP/fmt/bad.c"
if (cd "$TMP/fmt" && clang-format --style=file bad.c | cmp -s - bad.c); then fail "a planted style fault is caught"
else ok "a planted style fault is caught"; fi

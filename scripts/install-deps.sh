#!/bin/sh
# Installs the Debian packages dossier needs to build and test, only those
# that are missing. Run by `make demo` (--demo: Chromium for the PDFs too) and
# `make check` (--test); safe to run again.
set -eu
build="pkg-config gcc make libcmark-gfm-dev libcmark-gfm-extensions-dev libxml2-dev \
libzip-dev zlib1g-dev liblua5.4-dev libyaml-dev libjansson-dev libsodium-dev libssl-dev libmicrohttpd-dev libcsv-dev libgpgme-dev gnupg"
# build --pdf prints with Chromium; the PDFs embed the DejaVu and Liberation fonts
pdf="chromium fonts-dejavu-core fonts-liberation"
test="libxml2-utils python3 python3-jsonschema python3-openpyxl minisign unzip clang clang-format valgrind poppler-utils nodejs"
bench="hugo cmark-gfm python3 time"
want="$build"
[ "${1:-}" = "--demo" ] && want="$build $pdf"
[ "${1:-}" = "--test" ] && want="$build $test $pdf"
[ "${1:-}" = "--bench" ] && want="$build $bench"
missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
# npm for the validators and browser tests: Debian's package, unless a node
# from elsewhere already brought its own
[ "${1:-}" = "--test" ] && ! command -v npm >/dev/null 2>&1 && missing="$missing npm"
[ -z "$missing" ] && exit 0
echo "installing missing Debian packages:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2

#!/bin/sh
# Installs the Debian packages dossier needs to build and test, only those
# that are missing. Run by `make demo` and `make check`; safe to run again.
set -eu
build="pkg-config gcc make libcmark-gfm-dev libcmark-gfm-extensions-dev libxml2-dev \
libzip-dev liblua5.4-dev libyaml-dev libjansson-dev libsodium-dev"
test="libxml2-utils python3 python3-jsonschema python3-openpyxl minisign unzip clang valgrind"
bench="hugo cmark-gfm python3 time"
want="$build"
[ "${1:-}" = "--test" ] && want="$build $test"
[ "${1:-}" = "--bench" ] && want="$build $bench"
missing=""
for p in $want; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing missing Debian packages:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >&2

#!/bin/sh
# scripts/demo-key.sh FILE: makes, once, an OpenPGP signing key for make
# demo to sign the example's CSAF documents with (build --csaf-sign), so
# the demo's provider folder is a csaf_trusted_provider as a real one is.
# A throwaway key without a passphrase, made on this machine and kept
# beside the outputs (output/ is not in version control): never a
# manufacturer's key. Kept across runs, so the demo's signatures stay the
# same bytes from one `make demo` to the next.
set -eu
out=$1
[ -s "$out" ] && exit 0
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
mkdir -p "$(dirname "$out")"
gpg --homedir "$home" --batch --quiet --passphrase '' \
    --quick-gen-key 'Norvale PSIRT demo key (not for real use) <psirt@norvale.example>' ed25519 sign never
gpg --homedir "$home" --batch --armor --export-secret-keys >"$out.tmp"
mv "$out.tmp" "$out"
echo "made the demo signing key $out (a throwaway key for make demo only)"

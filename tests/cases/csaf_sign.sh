#!/bin/sh
# build --csaf-sign: the example's CSAF provider folder as a
# csaf_trusted_provider (CSAF 2.0 section 7): an OpenPGP signature per
# document that the real gpg accepts, the public key and its fingerprint in
# provider-metadata.json, the ROLIE feed and security.txt; the same bytes
# twice; a tampered document caught by gpg, by dossier verify and by a
# downloader written from section 7.3 (tests/validators/csaf_download.py);
# bad keys refused with exit 2 and the old output left as it was. Throwaway
# Ed25519 keys are made in a GNUPGHOME of the test's own.
. "$(dirname "$0")/../lib.sh"

if ! command -v gpg >/dev/null 2>&1; then
    skip "csaf_sign" "gpg not installed (make test-deps)"
    exit 0
fi
ex="$ROOT/examples/infusion-pump"
keys="$TMP/keys"
mkdir -p "$keys" && chmod 700 "$keys"
# the builds' temporary keyrings go here, so the test sees none is left
mkdir -p "$TMP/t"
export TMPDIR="$TMP/t"
G() { gpg --homedir "$keys" --batch --quiet "$@" 2>>"$TMP/gpg.log"; }
fpr_of() { G --with-colons --list-keys "$1" | awk -F: '/^fpr/ { print $10; exit }'; }

G --passphrase '' --quick-gen-key 'Norvale PSIRT <psirt@norvale.example>' ed25519 sign never
G --passphrase 'correct horse' --pinentry-mode loopback --quick-gen-key 'Norvale Pass <pass@norvale.example>' ed25519 sign never
# created in 2020 and expired the day after, long before the build date
G --faked-system-time 20200101T000000 --passphrase '' --quick-gen-key 'Norvale Old <old@norvale.example>' ed25519 sign 1d
plain=$(fpr_of psirt@norvale.example) pass=$(fpr_of pass@norvale.example) old=$(fpr_of old@norvale.example)
G --armor --export-secret-keys "$plain" >"$keys/plain.asc"
G --pinentry-mode loopback --passphrase 'correct horse' --armor --export-secret-keys "$pass" >"$keys/pass.asc"
G --armor --export-secret-keys "$old" >"$keys/old.asc"
G --armor --export "$plain" >"$keys/public.asc"
printf 'correct horse\n' >"$keys/pass.txt"
printf 'wrong horse\n' >"$keys/wrong.txt"
printf 'not a key\n' >"$keys/garbage.asc"
gpgconf --homedir "$keys" --kill all 2>/dev/null
if [ -z "$plain" ] || [ -z "$pass" ] || [ -z "$old" ] || [ ! -s "$keys/old.asc" ]; then
    fail "throwaway keys made" "$(tail -5 "$TMP/gpg.log")"
    exit 0
fi
ok "throwaway keys made (plain, with a passphrase, expired)"

out="$TMP/signed"
expect_exit "build --csaf-sign: exit 0" 0 "$DOSSIER" build "$ex" -o "$out" --only csaf -q --csaf-sign "$keys/plain.asc"
csaf="$out/public/csaf/.well-known/csaf"

# every document signed, each signature good for the real gpg with the key the folder publishes
verify_home="$TMP/verify" && mkdir -p "$verify_home" && chmod 700 "$verify_home"
V() { gpg --homedir "$verify_home" --batch "$@"; }
check "the folder publishes its key as openpgp/<fingerprint>.asc" test -s "$csaf/openpgp/$plain.asc"
V --quiet --import "$csaf/openpgp/$plain.asc" 2>/dev/null
docs=$(cd "$csaf/white" && find . -name '*.json' | sed 's|^\./||' | sort)
check "three CSAF documents" test "$(echo "$docs" | wc -l)" -eq 3
for d in $docs; do
    if V --status-fd 1 --verify "$csaf/white/$d.asc" "$csaf/white/$d" 2>/dev/null | grep -q "VALIDSIG.* $plain\$"; then
        ok "gpg --verify accepts $d.asc, by $plain"
    else
        fail "gpg --verify accepts $d.asc, by $plain" "$(V --verify "$csaf/white/$d.asc" "$csaf/white/$d" 2>&1 | head -3)"
    fi
done
meta="$csaf/provider-metadata.json"
if python3 - "$meta" "$plain" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
keys = m["public_openpgp_keys"]
assert m["role"] == "csaf_trusted_provider", m["role"]
assert [k["fingerprint"] for k in keys] == [sys.argv[2]], keys
assert keys[0]["url"] == "https://www.norvale.example/.well-known/csaf/openpgp/%s.asc" % sys.argv[2], keys
PY
then ok "provider-metadata: csaf_trusted_provider, the key's fingerprint and url"; else fail "provider-metadata: csaf_trusted_provider, the key's fingerprint and url" "$(head -40 "$meta")"; fi

# ROLIE feed: every document of index.txt, with its hashes and its signature
if python3 - "$csaf" <<'PY'
import json, sys
root = sys.argv[1]
meta = json.load(open(root + "/provider-metadata.json"))
base = "https://www.norvale.example/.well-known/csaf/"
feeds = meta["distributions"][0]["rolie"]["feeds"]
assert [f["url"] for f in feeds] == [base + "feed-tlp-white.json"], feeds
assert meta["distributions"][0]["rolie"]["services"] == [base + "service.json"]
feed = json.load(open(root + "/feed-tlp-white.json"))["feed"]
index = open(root + "/white/index.txt").read().split()
urls = {e["content"]["src"]: e for e in feed["entry"]}
assert sorted(urls) == sorted(base + "white/" + p for p in index), (sorted(urls), index)
for url, e in urls.items():
    links = sorted((l["rel"], l["href"]) for l in e["link"])
    assert links == sorted([("self", url), ("hash", url + ".sha256"), ("hash", url + ".sha512"), ("signature", url + ".asc")]), links
service = json.load(open(root + "/service.json"))
assert service["service"]["workspace"][0]["collection"][0]["href"] == base + "feed-tlp-white.json"
PY
then ok "ROLIE: the feed lists every document of index.txt with hashes and signature; the service document links it"; else fail "ROLIE: the feed lists every document of index.txt with hashes and signature; the service document links it" "$(head -30 "$csaf/feed-tlp-white.json")"; fi
sectxt="$out/public/csaf/.well-known/security.txt"
expect_grep "security.txt: the CSAF line" "CSAF: https://www.norvale.example/.well-known/csaf/provider-metadata.json" "$sectxt"
expect_grep "security.txt: the PSIRT contact" "Contact: mailto:psirt@norvale.example" "$sectxt"
expect_grep "security.txt: expires within a year of the build date" "Expires: 2026-11-30T00:00:00Z" "$sectxt"

# the provider folder against the official schemas, where they are
schemas="$SHARED/schemas-official/csaf"
if [ ! -f "$schemas/provider_json_schema.json" ]; then
    skip "provider_check (signed)" "no official CSAF schemas in $schemas"
elif ! python3 -c 'import jsonschema, referencing' 2>/dev/null; then
    skip "provider_check (signed)" "python3 has no jsonschema with referencing"
elif python3 "$ROOT/tests/validators/provider_check.py" "$schemas" "$csaf" >"$TMP/provider" 2>&1; then
    ok "provider_check (signed): provider-metadata.json valid against the official schema"
else
    fail "provider_check (signed): provider-metadata.json valid against the official schema" "$(head -5 "$TMP/provider")"
fi
for s in ROLIE_feed_json_schema.json ROLIE_service_json_schema.json; do
    if [ -f "$schemas/$s" ]; then
        f=feed-tlp-white.json && [ "$s" = ROLIE_service_json_schema.json ] && f=service.json
        if python3 -c 'import json,sys; from jsonschema import Draft202012Validator as V; e=list(V(json.load(open(sys.argv[1]))).iter_errors(json.load(open(sys.argv[2])))); [print(x.message) for x in e]; sys.exit(1 if e else 0)' "$schemas/$s" "$csaf/$f" >"$TMP/rolie" 2>&1; then
            ok "$f valid against $s"
        else
            fail "$f valid against $s" "$(head -3 "$TMP/rolie")"
        fi
    else
        skip "$s" "not in $schemas"
    fi
done

# determinism: the signatures too (Ed25519, dated by the build date)
expect_exit "a second signed build" 0 "$DOSSIER" build "$ex" -o "$TMP/signed-2" --only csaf -q --csaf-sign "$keys/plain.asc"
if diff -r "$out" "$TMP/signed-2" >"$TMP/diff" 2>&1; then ok "two signed builds give the same bytes, .asc included"; else fail "two signed builds give the same bytes, .asc included" "$(head -5 "$TMP/diff")"; fi

# the key with a passphrase
expect_exit "a key with a passphrase: builds with the right one" 0 "$DOSSIER" build "$ex" -o "$TMP/pass" --only csaf -q --csaf-sign "$keys/pass.asc" --csaf-sign-passphrase-file "$keys/pass.txt"
check "  and publishes that key" test -s "$TMP/pass/public/csaf/.well-known/csaf/openpgp/$pass.asc"

# without the option: a csaf_provider as before, nothing signed
expect_exit "unsigned build" 0 "$DOSSIER" build "$ex" -o "$TMP/plain" --only csaf -q
expect_grep "unsigned: role csaf_provider" '"role": "csaf_provider"' "$TMP/plain/public/csaf/.well-known/csaf/provider-metadata.json"
if find "$TMP/plain" -name '*.asc' | grep -q .; then fail "unsigned: no .asc, no key" "$(find "$TMP/plain" -name '*.asc' | head -3)"; else ok "unsigned: no .asc, no key"; fi
if grep -q public_openpgp_keys "$TMP/plain/public/csaf/.well-known/csaf/provider-metadata.json"; then fail "unsigned: no public_openpgp_keys" ""; else ok "unsigned: no public_openpgp_keys"; fi

# dossier verify and the downloader on the signed folder
expect_exit "dossier verify: the signed output" 0 "$DOSSIER" verify "$out"
expect_grep "dossier verify: counts the good signatures, the restricted document's too" "4 of 4 CSAF documents carry a good signature" "$TMP/out"
restricted="$out/restricted/csaf/amber/2025/adv-2025-001.json"
if V --status-fd 1 --verify "$restricted.asc" "$restricted" 2>/dev/null | grep -q "VALIDSIG.* $plain\$"; then
    ok "gpg --verify accepts the TLP:AMBER document's signature"
else
    fail "gpg --verify accepts the TLP:AMBER document's signature" "$(V --verify "$restricted.asc" "$restricted" 2>&1 | head -3)"
fi
expect_grep "the restricted feed links the signature" "amber/2025/adv-2025-001.json.asc" "$out/restricted/csaf/amber/feed-tlp-amber.json"
if python3 "$ROOT/tests/validators/csaf_download.py" "$out/public/csaf" >"$TMP/download" 2>&1; then
    ok "downloader (section 7.3): security.txt, provider-metadata, ROLIE, hashes, signatures all good"
else
    fail "downloader (section 7.3): security.txt, provider-metadata, ROLIE, hashes, signatures all good" "$(head -5 "$TMP/download")"
fi

# tampering: one document changed, another's signature gone
bad="$TMP/tampered"
rm -rf "$bad" && cp -R "$out" "$bad"
doc="$bad/public/csaf/.well-known/csaf/white/2024/adv-2024-001.json"
sed -i 's/"Summary"/"Summery"/' "$doc"
rm "$bad/public/csaf/.well-known/csaf/white/2024/adv-2024-002.json.asc"
sed -i 's/"Summary"/"Summery"/' "$bad/restricted/csaf/amber/2025/adv-2025-001.json"
check "tampered: the document did change" test -n "$(cmp "$doc" "$csaf/white/2024/adv-2024-001.json" 2>&1)"
if V --verify "$doc.asc" "$doc" >/dev/null 2>&1; then fail "tampered: gpg --verify rejects it" ""; else ok "tampered: gpg --verify rejects it"; fi
expect_exit "tampered: dossier verify exits 1" 1 "$DOSSIER" verify "$bad"
expect_grep "tampered: dossier verify names the bad signature" "bad signature: $doc.asc" "$TMP/out"
expect_grep "tampered: dossier verify names the missing signature" "missing signature: $bad/public/csaf/.well-known/csaf/white/2024/adv-2024-002.json.asc" "$TMP/out"
expect_grep "tampered: dossier verify checks the restricted folder too" "bad signature: $bad/restricted/csaf/amber/2025/adv-2025-001.json.asc" "$TMP/out"
expect_exit "tampered: the downloader fails" 1 python3 "$ROOT/tests/validators/csaf_download.py" "$bad/public/csaf"
expect_grep "tampered: the downloader names the signature" "adv-2024-001.json: signature does not verify" "$TMP/out"

# bad keys: exit 2, the file named, the earlier output untouched
cp -R "$out" "$TMP/before"
refused() { # NAME WORDS ARGS...
    rn=$1 rwords=$2
    shift 2
    expect_exit "$rn: exit 2" 2 "$DOSSIER" build "$ex" -o "$out" --only csaf -q "$@"
    expect_grep "$rn: says why" "$rwords" "$TMP/out"
    if diff -r "$TMP/before" "$out" >/dev/null 2>&1; then ok "$rn: the earlier output is as it was"; else fail "$rn: the earlier output is as it was" ""; fi
}
refused "not a key" "$keys/garbage.asc: holds no OpenPGP key" --csaf-sign "$keys/garbage.asc"
refused "a public key only" "$keys/public.asc: holds no secret key" --csaf-sign "$keys/public.asc"
refused "an expired key" "$keys/old.asc: the OpenPGP key $old expired on 2020-01-02" --csaf-sign "$keys/old.asc"
refused "a passphrase needed, none given" "$keys/pass.asc: the OpenPGP key needs a passphrase" --csaf-sign "$keys/pass.asc"
refused "a wrong passphrase" "$keys/pass.asc: wrong passphrase" --csaf-sign "$keys/pass.asc" --csaf-sign-passphrase-file "$keys/wrong.txt"
expect_exit "no such key file: exit 2" 2 "$DOSSIER" build "$ex" -o "$out" --csaf-sign "$keys/nothing.asc"
expect_grep "no such key file: named" "$keys/nothing.asc" "$TMP/out"
expect_exit "--csaf-sign with --only leaving csaf out: exit 2" 2 "$DOSSIER" build "$ex" -o "$out" --only advisories --csaf-sign "$keys/plain.asc"
expect_exit "a passphrase file without --csaf-sign: exit 2" 2 "$DOSSIER" build "$ex" -o "$out" --csaf-sign-passphrase-file "$keys/pass.txt"

# the builds' keyrings are gone, and so are their agents
if [ -z "$(ls -A "$TMP/t")" ]; then ok "no temporary keyring left behind"; else fail "no temporary keyring left behind" "$(ls "$TMP/t" | head -3)"; fi
if pgrep -f "gpg-agent.*$TMP/t" >/dev/null 2>&1; then fail "no gpg-agent left running" "$(pgrep -af "gpg-agent.*$TMP/t" | head -2)"; else ok "no gpg-agent left running"; fi
gpgconf --homedir "$verify_home" --kill all 2>/dev/null
exit 0

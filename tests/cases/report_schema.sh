#!/bin/sh
# The check reports against the official schemas: SARIF 2.1.0 with Debian's
# python3-jsonschema, JUnit XML with xmllint and the Jenkins junit-10.xsd.
# The sample findings come from the report unit test (`test_report --emit`):
# every severity, no line, no path, an absolute path, hostile text.
. "$(dirname "$0")/../lib.sh"

EMIT="$ROOT/$BUILDDIR/tests/test_report"
SARIF_SCHEMA="$SHARED/schemas-official/sarif-2.1.0.from-npm-sarif-multitool-linux-5.7.0.json"
JUNIT_XSD="$SHARED/schemas-official/junit/junit-10.xsd"
PY=/usr/bin/python3

if [ ! -x "$EMIT" ]; then
    skip "report schemas" "no $EMIT (make unit)"
    exit 0
fi
"$EMIT" --emit sarif >"$TMP/findings.sarif"
"$EMIT" --emit sarif --clean >"$TMP/clean.sarif"
"$EMIT" --emit junit >"$TMP/findings.xml"
"$EMIT" --emit junit --clean >"$TMP/clean.xml"
"$EMIT" --emit json >"$TMP/findings.json"

# validate SCHEMA FILE: prints the first schema errors, exit 1 when invalid
validate_json() {
    "$PY" - "$1" "$2" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))
for e in errors[:5]:
    print("#   %s: %s" % ("/".join(map(str, e.path)), e.message[:200]))
sys.exit(1 if errors else 0)
PY
}

if [ ! -f "$SARIF_SCHEMA" ]; then
    skip "sarif schema" "no $SARIF_SCHEMA"
elif ! "$PY" -c 'import jsonschema' 2>/dev/null; then
    skip "sarif schema" "$PY has no jsonschema (apt-get install python3-jsonschema)"
else
    for f in findings clean; do
        if out=$(validate_json "$SARIF_SCHEMA" "$TMP/$f.sarif" 2>&1); then
            ok "SARIF with $f is valid against the official SARIF 2.1.0 schema"
        else
            fail "SARIF with $f is valid against the official SARIF 2.1.0 schema" "$out"
        fi
    done
    # the schema must be able to fail: a level SARIF does not know
    sed 's/"level": "note"/"level": "info"/' "$TMP/findings.sarif" >"$TMP/broken.sarif"
    if validate_json "$SARIF_SCHEMA" "$TMP/broken.sarif" >/dev/null 2>&1; then
        fail "the SARIF schema check rejects a bad level"
    else
        ok "the SARIF schema check rejects a bad level"
    fi
fi

if ! command -v xmllint >/dev/null 2>&1; then
    skip "junit schema" "no xmllint (apt-get install libxml2-utils)"
elif [ ! -f "$JUNIT_XSD" ]; then
    skip "junit schema" "no $JUNIT_XSD"
else
    for f in findings clean; do
        if out=$(xmllint --noout --schema "$JUNIT_XSD" "$TMP/$f.xml" 2>&1); then
            ok "JUnit with $f is valid against junit-10.xsd"
        else
            fail "JUnit with $f is valid against junit-10.xsd" "$(printf '%s\n' "$out" | head -5)"
        fi
    done
    sed 's/ tests="[0-9]*" failures/ failures/' "$TMP/findings.xml" >"$TMP/broken.xml"
    if xmllint --noout --schema "$JUNIT_XSD" "$TMP/broken.xml" >/dev/null 2>&1; then
        fail "the JUnit schema check rejects a suite without tests"
    else
        ok "the JUnit schema check rejects a suite without tests"
    fi
fi

if "$PY" -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if list(d) == ["version", "findings", "summary"] and d["summary"]["error"] == sum(f["severity"] == "error" for f in d["findings"]) else 1)' "$TMP/findings.json" 2>/dev/null; then
    ok "JSON parses back with its keys in order and a true summary"
else
    fail "JSON parses back with its keys in order and a true summary"
fi

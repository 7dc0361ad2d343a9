#!/bin/sh
# The rule tests as data (tests/rules/*.spec, run by tests/rules/run.py):
# each case an edit to an example dossier and the finding lines dossier
# check prints for it, through the binary.
. "$(dirname "$0")/../lib.sh"
python3 "$ROOT/tests/rules/run.py" "$DOSSIER" "$ROOT" "$TMP"

#!/usr/bin/env python3
"""provider_check.py: checks a CSAF provider folder (.well-known/csaf/) against
CSAF 2.0 section 7: provider-metadata.json valid against the official
provider schema (with the CSAF schema it refers to), file names by section
5.1, one folder per year of initial_release_date, index.txt and changes.csv
complete and ordered. Needs python3 with jsonschema >= 4.18 (referencing).
usage: provider_check.py SCHEMA_DIR PROVIDER_DIR   exit 0 ok, 1 problems, 2 usage"""
import json
import os
import re
import sys

try:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
except ImportError:
    print("provider_check.py: needs jsonschema >= 4.18 with referencing", file=sys.stderr)
    sys.exit(2)

if len(sys.argv) != 3:
    print(__doc__.strip().splitlines()[-1], file=sys.stderr)
    sys.exit(2)
schemas, root = sys.argv[1], sys.argv[2]
problems = []


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


csaf = load(os.path.join(schemas, "csaf_json_schema.json"))
provider = load(os.path.join(schemas, "provider_json_schema.json"))
registry = Registry().with_resources([(csaf["$id"], Resource.from_contents(csaf))])
metadata = load(os.path.join(root, "provider-metadata.json"))
for e in Draft202012Validator(provider, registry=registry).iter_errors(metadata):
    problems.append("provider-metadata.json: %s at /%s" % (e.message, "/".join(map(str, e.absolute_path))))

white = os.path.join(root, "white")
docs = {}
for dirpath, _, files in os.walk(white):
    for name in files:
        if name.endswith(".json"):
            rel = os.path.relpath(os.path.join(dirpath, name), white)
            docs[rel] = load(os.path.join(white, rel))["document"]["tracking"]
for rel, tracking in sorted(docs.items()):
    want = re.sub(r"[^+\-a-z0-9]+", "_", tracking["id"].lower()) + ".json"
    if os.path.basename(rel) != want:
        problems.append("%s: file name should be %s (section 5.1)" % (rel, want))
    if os.path.dirname(rel) != tracking["initial_release_date"][:4]:
        problems.append("%s: not in the folder of its initial_release_date's year" % rel)
    for algo in ("sha256", "sha512"):
        if not os.path.isfile(os.path.join(white, rel + "." + algo)):
            problems.append("%s: no .%s file" % (rel, algo))
with open(os.path.join(white, "index.txt"), encoding="utf-8") as f:
    index = f.read().splitlines()
if sorted(index) != sorted(docs):
    problems.append("index.txt does not list exactly the documents: %s" % index)
with open(os.path.join(white, "changes.csv"), encoding="utf-8") as f:
    rows = [line.split(",") for line in f.read().splitlines()]
changes = [(r[0].strip('"'), r[1].strip('"')) for r in rows]
if sorted(p for p, _ in changes) != sorted(docs):
    problems.append("changes.csv does not list exactly the documents")
if [d for _, d in changes] != sorted((d for _, d in changes), reverse=True):
    problems.append("changes.csv is not newest first")
for p, d in changes:
    if p in docs and docs[p]["current_release_date"] != d:
        problems.append("changes.csv: %s dated %s, the document says %s" % (p, d, docs[p]["current_release_date"]))
for p in problems:
    print(p)
print("%d documents, %d problems" % (len(docs), len(problems)))
sys.exit(1 if problems else 0)

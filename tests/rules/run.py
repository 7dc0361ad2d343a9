#!/usr/bin/env python3
"""tests/rules/run.py: the rule tests as data. Each case of a .spec file
in tests/rules/ is a small edit to an example dossier and the finding
lines `dossier check` must print for it (and those it must not), run
through the binary, as cmark's spec tests and jq's test file run theirs.

A case:

    === rule-id: what the case shows        (its title, one line)
    base minimal                            (the example copied; default minimal)
    >>> threats/THR-009.md                  (a file written, up to the line <<<)
    ...content...
    <<<
    delete controls/CTL-003.md              (a file removed)
    edit dossier.xml: OLD => NEW            (literal text replaced once; it must be there)
    expect threats/THR-009.md:2:5: error: [unique-id]
    absent [threat-mitigated]
    exit 1                                  (check's exit status; optional)

An `expect` line must begin one line of check's output (the path, line,
column, severity and rule; the message may follow); an `absent` text must
be in no line. Lines starting with # are comments.

Usage: run.py DOSSIER ROOT TMP [SPEC...]: prints one `ok` or `not ok`
line per case (tests/lib.sh's form), with what differed."""
import os
import shutil
import subprocess
import sys


def parse(path):
    cases, case, body, target = [], None, None, None
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if body is not None:
                if line == "<<<":
                    case["files"].append((target, "".join(body)))
                    body = None
                else:
                    body.append(raw)
                continue
            if not line.strip() or line.startswith("#"):
                continue
            word, _, rest = line.partition(" ")
            if word == "===":
                case = {"title": rest.strip(), "where": "%s:%d" % (os.path.basename(path), n),
                        "base": "minimal", "files": [], "delete": [], "edits": [], "expect": [],
                        "absent": [], "exit": None}
                cases.append(case)
            elif case is None:
                sys.exit("%s:%d: a case starts with '=== title'" % (path, n))
            elif word == "base":
                case["base"] = rest.strip()
            elif word == ">>>":
                target, body = rest.strip(), []
            elif word == "delete":
                case["delete"].append(rest.strip())
            elif word == "edit":
                target_, sep, change = rest.partition(": ")
                old, arrow, new = change.partition(" =>")
                if not sep or not arrow:
                    sys.exit("%s:%d: edit PATH: OLD => NEW" % (path, n))
                case["edits"].append((target_.strip(), old, new[1:] if new.startswith(" ") else new))
            elif word == "expect":
                case["expect"].append(rest.strip())
            elif word == "absent":
                case["absent"].append(rest.strip())
            elif word == "exit":
                case["exit"] = int(rest)
            else:
                sys.exit("%s:%d: unknown directive '%s'" % (path, n, word))
    if body is not None:
        sys.exit("%s: a file is not closed with <<<" % path)
    for c in cases:
        if not c["expect"] and not c["absent"]:
            sys.exit("%s: case '%s' expects nothing" % (c["where"], c["title"]))
    return cases


def run(dossier, root, tmp, case, k):
    d = os.path.join(tmp, "case-%d" % k)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(os.path.join(root, "examples", case["base"]), d)
    for rel in case["delete"]:
        os.remove(os.path.join(d, rel))
    for rel, old, new in case["edits"]:
        p = os.path.join(d, rel)
        with open(p, encoding="utf-8") as f:
            text = f.read()
        if old not in text:
            return ["edit %s: no '%s' in the file" % (rel, old)]
        with open(p, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new, 1))
    for rel, text in case["files"]:
        p = os.path.join(d, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
    r = subprocess.run([dossier, "check", d], capture_output=True, text=True)
    lines = (r.stdout + r.stderr).splitlines()
    problems = []
    for e in case["expect"]:
        if not any(l.startswith(e) for l in lines):
            problems.append("no line begins: " + e)
    for a in case["absent"]:
        for l in lines:
            if a in l:
                problems.append("unexpected: " + l)
    if case["exit"] is not None and r.returncode != case["exit"]:
        problems.append("exit %d, want %d" % (r.returncode, case["exit"]))
    if problems:
        problems += ["output: " + l for l in lines[:12]]
    shutil.rmtree(d, ignore_errors=True)
    return problems


def main():
    dossier, root, tmp = sys.argv[1:4]
    specs = sys.argv[4:] or sorted(
        os.path.join(root, "tests", "rules", f)
        for f in os.listdir(os.path.join(root, "tests", "rules")) if f.endswith(".spec"))
    k = 0
    for spec in specs:
        for case in parse(spec):
            k += 1
            problems = run(dossier, root, tmp, case, k)
            name = "rules_spec: %s (%s)" % (case["title"], case["where"])
            if problems:
                print("not ok " + name)
                for p in problems:
                    print("#   " + p)
            else:
                print("ok " + name)


main()

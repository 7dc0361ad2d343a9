#!/usr/bin/env python3
"""Writes the large inputs of the benchmark: a CycloneDX 1.6 JSON SBOM of N
components, and a JUnit report of CASES cases whose names name the test
records TST-1 to TST-K (test_tst_12_case_345 adds its result to TST-12) or,
with `controls`, the controls CTL-1 to CTL-K (test_ctl_12_case_345 is a test
record of its own that verifies CTL-12). Deterministic.
usage: evidence.py sbom N FILE
       evidence.py junit CASES K FILE [tests|controls]"""
import datetime
import json
import sys

SUPPORT = ["actively maintained", "actively maintained", "actively maintained",
           "no longer maintained"]
LICENSES = ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "LGPL-2.1-only"]
KINDS = ["library", "library", "library", "framework", "operating-system"]


def sbom(n, path):
    """Components as an SBOM generator writes them: supplier, name, version,
    purl, a hash, a licence, the FDA's level of support and end-of-support
    date as properties (so every component passes component-ntia and
    component-support), and a dependency graph of about two edges each."""
    comps = []
    for i in range(n):
        ref = f"pkg:npm/%40bench/lib{i}@{1 + i % 4}.{i % 10}.{i % 7}"
        props = [{"name": "cdx:fda:level-of-support", "value": SUPPORT[i % 4]},
                 {"name": "cdx:fda:end-of-support-date",
                  "value": "2024-06-30" if i % 4 == 3 else f"{2027 + i % 8}-12-31"}]
        if i % 4 == 3:
            props.append({"name": "cdx:fda:update-or-replace-plan",
                          "value": f"mitigate: reachable only from the signed update path; replaced in release 2.{i % 5} (due 2026-09-30)"})
        comps.append({"bom-ref": ref, "type": KINDS[i % 5],
                      "supplier": {"name": f"Supplier {i % 97}"},
                      "group": "@bench", "name": f"lib{i}",
                      "version": f"{1 + i % 4}.{i % 10}.{i % 7}", "purl": ref,
                      "hashes": [{"alg": "SHA-256", "content": "%064x" % (i * 2654435761)}],
                      "licenses": [{"license": {"id": LICENSES[i % 5]}}],
                      "properties": props})
    deps = [{"ref": "device", "dependsOn": [c["bom-ref"] for c in comps[:min(n, 40)]]}]
    for i, c in enumerate(comps):
        on = sorted({comps[(i * 7 + 1) % n]["bom-ref"], comps[(i * 13 + 5) % n]["bom-ref"]} - {c["bom-ref"]})
        deps.append({"ref": c["bom-ref"], "dependsOn": on})
    doc = {"$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
           "bomFormat": "CycloneDX", "specVersion": "1.6",
           "serialNumber": "urn:uuid:0b6c1f0e-6a57-4c1e-9b0d-5f2d8a3c%04x" % (n % 65536),
           "version": 1,
           "metadata": {"timestamp": "2025-06-01T00:00:00Z",
                        "authors": [{"name": "Example Medical build"}],
                        "tools": {"components": [{"type": "application", "name": "bench-sbom", "version": "1.0"}]},
                        "component": {"type": "firmware", "bom-ref": "device",
                                      "name": "device-firmware", "version": "1.0.0",
                                      "supplier": {"name": "Example Medical"}}},
           "components": comps, "dependencies": deps}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def junit(cases, k, path, names):
    """Suites of 500 cases, a day apart from 2024-01-01 (before the results
    the synthetic test records carry); case i names TST- or CTL-(i mod K + 1).
    Naming tests, the first suite fails 1 case in 97 and later runs of the
    same tests pass, so the latest result of every test is a pass; naming
    controls, every case passes (each is a test record with one result)."""
    prefix = "ctl" if names == "controls" else "tst"
    per = 500
    with open(path, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n')
        for s in range((cases + per - 1) // per):
            when = datetime.datetime(2024, 1, 1, 9) + datetime.timedelta(days=s)
            f.write(f'  <testsuite name="suite{s}" tests="{per}" timestamp="{when.isoformat()}">\n')
            for i in range(s * per, min((s + 1) * per, cases)):
                f.write(f'    <testcase classname="tests.bench.suite{s}" '
                        f'name="test_{prefix}_{i % k + 1}_case_{i}" time="0.00{i % 10}">')
                if prefix == "tst" and s == 0 and i % 97 == 0:
                    f.write(f'<failure message="assertion {i}">trace of case {i}</failure>')
                f.write('</testcase>\n')
            f.write('  </testsuite>\n')
        f.write('</testsuites>\n')


def threatmodel(n, folder):
    """An OWASP Threat Dragon 2 model of n processes in a chain of data
    flows, two threats with a mitigation on each, and its supplement."""
    uid = lambda k, i: "%08x-0000-4000-8000-%012x" % (k, i)
    cells = []
    for i in range(n):
        cells.append({"shape": "process", "id": uid(1, i), "zIndex": i,
                      "position": {"x": 40 * (i % 50), "y": 40 * (i // 50)}, "size": {"width": 100, "height": 100},
                      "data": {"type": "tm.Process", "name": "Process\n%d" % i, "description": "Process %d of the model." % i,
                               "outOfScope": False, "reasonOutOfScope": "", "hasOpenThreats": False,
                               "threats": [{"id": uid(2, 2 * i + t), "title": "Threat %d.%d" % (i, t),
                                            "status": "Mitigated", "severity": "Medium", "type": ["Spoofing", "Tampering"][t],
                                            "description": "What an attacker does to process %d (%d)." % (i, t),
                                            "mitigation": "Control %d.%d: what stops it, and how it is verified." % (i, t),
                                            "modelType": "STRIDE", "new": False, "number": 2 * i + t, "score": ""}
                                           for t in range(2)]}})
        if i:
            cells.append({"shape": "flow", "id": uid(3, i), "zIndex": n + i,
                          "source": {"cell": uid(1, i - 1)}, "target": {"cell": uid(1, i)},
                          "data": {"type": "tm.Flow", "name": "Flow %d" % i, "description": "", "outOfScope": False,
                                   "protocol": "HTTPS", "isEncrypted": True, "isPublicNetwork": False,
                                   "isBidirectional": False, "threats": []}})
    model = {"version": "2.3.0", "summary": {"title": "Generated", "owner": "bench", "description": "", "id": 0},
             "detail": {"contributors": [], "diagrams": [{"id": 0, "title": "Generated", "diagramType": "STRIDE",
                                                          "version": "2.3.0", "cells": cells}]}}
    with open(folder + "/model.json", "w") as f:
        json.dump(model, f, indent=2)
    with open(folder + "/model.yaml", "w") as f:
        f.write("views:\n  diagram 0: {kind: global-system}\n"
                "defaults:\n  threat: {attack_vector: network, exploitability_pre: low, severity: minor,"
                " exploitability_post: remote, risk: acceptable}\n  control: {category: integrity}\n")


def grype(n, path):
    """A Grype report of n findings over 500 packages."""
    matches = [{"vulnerability": {"id": "CVE-2099-%05d" % i, "description": "Finding %d of the report." % i,
                                  "cvss": [{"vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                                            "metrics": {"baseScore": 9.8}}]},
                "relatedVulnerabilities": [{"id": "GHSA-bench-%05d" % i}],
                "artifact": {"name": "lib%d" % (i % 500), "version": "1.%d.0" % (i % 500),
                             "purl": "pkg:npm/lib%d@1.%d.0" % (i % 500, i % 500)}} for i in range(n)]
    with open(path, "w") as f:
        json.dump({"descriptor": {"name": "grype", "version": "0.74.1", "timestamp": "2025-10-20T00:00:00Z"},
                   "matches": matches}, f, indent=2)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "sbom":
        sbom(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "threatmodel":
        threatmodel(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "grype":
        grype(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) in (5, 6) and sys.argv[1] == "junit" and sys.argv[5:] in ([], ["tests"], ["controls"]):
        junit(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], (sys.argv[5:] or ["tests"])[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes a synthetic dossier of about N records (threats, controls and
tests with links, Markdown bodies with tables and lists) for the benchmark
and for scale tests. Deterministic: the same N gives the same files.
usage: synth.py N OUT_DIR"""
import os
import sys

CATEGORIES = ["authentication", "authorization", "cryptography", "integrity",
              "confidentiality", "logging", "resiliency", "updates"]
STRIDE = ["spoofing", "tampering", "repudiation", "information-disclosure",
          "denial-of-service", "elevation-of-privilege"]
TEST_CATEGORIES = ["security-requirements", "threat-mitigation", "vulnerability", "penetration"]
VIEWS = ["global-system", "multi-patient-harm", "updatability", "security-use-case"]


def body(kind, i, refs):
    ref_text = ", ".join("[%s]" % r for r in refs)
    return f"""The {kind} number {i} of the synthetic dossier. It relates to {ref_text}.

## Analysis

- the attacker reaches the interface over the hospital network
- the device accepts the message **only** after authentication
- logging records the attempt with a timestamp

| step | actor | effect |
|------|-------|--------|
| 1 | attacker | sends a crafted frame |
| 2 | device | rejects it and logs the event |
| 3 | clinician | sees an alert on the console |

Residual risk is judged against the acceptance criteria in the plan; see
[{refs[0]}] for the details that matter to a reviewer.
"""


def write(path, front, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("---\n" + front + "---\n" + text)


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    per = max((n - 5) // 3, 8)
    nthreats, ncontrols, ntests = per, per, max(n - 2 * per - 5, per)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "dossier.xml"), "w") as f:
        f.write("""<?xml version="1.0" encoding="UTF-8"?>
<dossier xmlns="urn:dossier:1" date="2025-06-30">
  <product><name>Synthetic Device</name><version>1.0</version></product>
  <manufacturer><name>Example Medical</name></manufacturer>
  <cvd policy="https://example.com/security/cvd"/>
  <guidance edition="2025-06-27"/>
</dossier>
""")
    write(os.path.join(out, "assets", "AST-1.md"),
          "id: AST-1\ntitle: Device\nkind: device\n", "The device.\n")
    for v, kind in enumerate(VIEWS, 1):
        write(os.path.join(out, "views", f"VIEW-{v}.md"),
              f"id: VIEW-{v}\ntitle: View {kind}\nkind: {kind}\nassets: [AST-1]\ndiagram: diagrams/view-{v}.svg\n",
              body("view", v, ["AST-1"]))
        os.makedirs(os.path.join(out, "diagrams"), exist_ok=True)
        with open(os.path.join(out, "diagrams", f"view-{v}.svg"), "w") as f:
            f.write('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
                    f'<text x="2" y="14">{kind}</text></svg>\n')
    for i in range(1, nthreats + 1):
        ctl = [f"CTL-{(i % ncontrols) + 1}", f"CTL-{((i * 7) % ncontrols) + 1}"]
        write(os.path.join(out, "threats", f"THR-{i}.md"),
              f"id: THR-{i}\ntitle: Threat {i}\nstride: {STRIDE[i % 6]}\nassets: [AST-1]\n"
              f"attack_vector: network\nexploitability_pre: high\nseverity: serious\n"
              f"exploitability_post: low\nmitigated_by: [{', '.join(sorted(set(ctl)))}]\n",
              body("threat", i, ctl))
    for i in range(1, ncontrols + 1):
        write(os.path.join(out, "controls", f"CTL-{i}.md"),
              f"id: CTL-{i}\ntitle: Control {i}\ncategory: {CATEGORIES[i % 8]}\n"
              f"statement: The device enforces rule {i}.\nstatus: implemented\n",
              body("control", i, [f"THR-{(i % nthreats) + 1}"]))
    for i in range(1, ntests + 1):
        # every FDA testing category; a penetration test says who, how long, on what
        category = TEST_CATEGORIES[i % 4]
        pen = ("    release: '1.0'\n    by: Outside firm\n    independence: third-party\n"
               "    duration: 5 days\nscope: Every interface.\n") if category == "penetration" else ""
        write(os.path.join(out, "tests", f"TST-{i}.md"),
              f"id: TST-{i}\ntitle: Test {i}\ncategory: {category}\n"
              f"verifies: [CTL-{((i - 1) % ncontrols) + 1}]\n"
              f"results:\n  - date: 2025-05-01\n    result: fail\n  - date: 2025-06-01\n    result: pass\n" + pen,
              body("test", i, [f"CTL-{(i % ncontrols) + 1}"]))


if __name__ == "__main__":
    main()

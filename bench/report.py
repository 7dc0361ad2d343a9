#!/usr/bin/env python3
"""Prints the tables of make bench from the raw measurements bench/run.sh
writes: medians of the interleaved runs, the medians of each repetition's
ratios, instruction counts, the large inputs, and the targets of issue 14
with each figure against its target.
usage: report.py RESULTS

RESULTS holds lines of
  time TOOL CASE REP WALL_S CPU_S PEAK_KIB
  instr TOOL CASE COUNT
  meta KEY VALUE
where CASE is a number of records or the name of a large input."""
import statistics
import sys

NAMES = {
    "full": "dossier build",
    "rebuild": "  rebuilt, one record edited",
    "site": "dossier build --only site",
    "hugo-minimal": "hugo, minimal layouts",
    "hugo-comparable": "hugo, comparable layouts",
    "cmark": "cmark-gfm (the floor)",
}


def load(path):
    times, instr, meta = {}, {}, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if w[0] == "time":
                times.setdefault((w[1], w[2]), {})[int(w[3])] = (float(w[4]), float(w[5]), int(w[6]))
            elif w[0] == "instr":
                instr[(w[1], w[2])] = int(w[3])
            elif w[0] == "meta":
                meta[w[1]] = " ".join(w[2:])
    return times, instr, meta


class Bench:
    def __init__(self, times, instr, meta):
        self.times, self.instr, self.meta = times, instr, meta

    def runs(self, tool, case, what=0):
        return [v[what] for _, v in sorted(self.times.get((tool, case), {}).items())]

    def median(self, tool, case, what=0):
        r = self.runs(tool, case, what)
        return statistics.median(r) if r else None

    def ratio(self, a, b, what=0):
        """The median over the repetitions of a's figure over b's, each
        from the same repetition; a and b are (tool, case)."""
        ra, rb = self.times.get(a, {}), self.times.get(b, {})
        r = [ra[k][what] / rb[k][what] for k in ra if k in rb and rb[k][what] > 0]
        return statistics.median(r) if r else None

    def iratio(self, a, b):
        if a in self.instr and b in self.instr and self.instr[b]:
            return self.instr[a] / self.instr[b]
        return None


def x(v, digits=2):
    return "-" if v is None else f"{v:.{digits}f}x"


def num(v, fmt=".2f", scale=1):
    return "-" if v is None else f"{v / scale:{fmt}}"


def e9(count):
    return "-" if count is None else f"{count / 1e9:.2f}e9"


def verdict(v, target):
    if v is None:
        return "-"
    return f"{v:.2f}x ({'met' if v <= target else 'missed'})"


def table(rows):
    width = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, r in enumerate(rows):
        out.append("| " + " | ".join(str(c).ljust(width[i]) for i, c in enumerate(r)) + " |")
        if n == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in width) + "|")
    return "\n".join(out)


def main():
    times, instr, meta = load(sys.argv[1])
    b = Bench(times, instr, meta)
    sizes = sorted({int(c) for (_, c) in times if c.isdigit()})
    large = list(dict.fromkeys(c for (_, c) in times if not c.isdigit()))  # in the order they ran
    base = str(meta.get("base", sizes[0] if sizes else ""))
    reps = max((len(v) for (t, c), v in times.items() if c.isdigit()), default=0)

    print(f"dossier {meta.get('dossier', '?')}, Hugo {meta.get('hugo', '?')}, cmark-gfm {meta.get('cmark-gfm', '?')}, "
          f"{meta.get('cpus', '?')} CPUs; load average {meta.get('load_start', '?')} at the start, "
          f"{meta.get('load_end', '?')} at the end")
    cpus = int(meta.get("cpus", "0") or 0)
    loads = [float(meta[k].split("/")[i]) for k in ("load_start", "load_end") if k in meta for i in (0, 1)]
    if cpus and loads and max(loads) > 2 * cpus:  # the benchmark itself keeps up to one per CPU busy
        print(f"the machine was busy (load average up to {max(loads):.1f} on {cpus} CPUs, the benchmark's own "
              f"share at most {cpus}): other work took CPU from the tools unevenly, so the wall-time ratios are "
              "distorted; the instruction counts are not")
    took = {k: f"{meta[k]} s" if k in meta else "not run" for k in ("interleaved_s", "large_s", "instr_s")}
    print(f"interleaved runs: {reps} repetitions, {took['interleaved_s']}; large inputs {took['large_s']}; "
          f"instruction counts {took['instr_s']}\n")

    # the medians of every tool at every size
    rows = [["records", "tool", "wall s (median)", "min to max", "CPU s", "peak MiB"]]
    for n in map(str, sizes):
        for tool in NAMES:
            w = b.runs(tool, n)
            if not w:
                continue
            rows.append([f"{int(n):,}", NAMES[tool], num(b.median(tool, n)), f"{min(w):.2f} to {max(w):.2f}",
                         num(b.median(tool, n, 1)), num(b.median(tool, n, 2), ".0f", 1024)])
    print(table(rows) + "\n")

    # the ratios of each size, medians of the repetitions' ratios
    rows = [["records", "dossier build / hugo comparable", "/ hugo minimal", "/ cmark-gfm", "peak / hugo comparable",
             "site / hugo comparable", "/ hugo minimal", "/ cmark-gfm", "peak / hugo comparable"]]
    for n in map(str, sizes):
        row = [f"{int(n):,}"]
        for tool in ("full", "site"):
            row += [x(b.ratio((tool, n), ("hugo-comparable", n))), x(b.ratio((tool, n), ("hugo-minimal", n))),
                    x(b.ratio((tool, n), ("cmark", n))), x(b.ratio((tool, n), ("hugo-comparable", n), 2))]
        rows.append(row)
    print("wall time and peak memory ratios (median of the ratios within each repetition):\n" + table(rows) + "\n")

    if instr:
        rows = [["records", "dossier build", "--only site", "cmark-gfm", "build / cmark", "site / cmark"]]
        for n in map(str, sizes):
            if ("full", n) not in instr:
                continue
            rows.append([f"{int(n):,}", e9(instr.get(("full", n))), e9(instr.get(("site", n))),
                         e9(instr.get(("cmark", n))), x(b.iratio(("full", n), ("cmark", n))),
                         x(b.iratio(("site", n), ("cmark", n)))])
        print("instructions (callgrind; dossier with --jobs 1, all the work in one process):\n" + table(rows) + "\n")

    if len(sizes) > 1:
        rows = [["records", "target", "dossier build wall", "instructions", "site wall", "instructions",
                 "hugo comparable wall", "cmark-gfm wall", "instructions"]]
        for lo, hi in zip(sizes, sizes[1:]):
            a, z = str(lo), str(hi)
            rows.append([f"{lo:,} to {hi:,} ({hi / lo:g}x)", f"<= {1.1 * hi / lo:.2f}x",
                         x(b.ratio(("full", z), ("full", a))), x(b.iratio(("full", z), ("full", a))),
                         x(b.ratio(("site", z), ("site", a))), x(b.iratio(("site", z), ("site", a))),
                         x(b.ratio(("hugo-comparable", z), ("hugo-comparable", a))),
                         x(b.ratio(("cmark", z), ("cmark", a))), x(b.iratio(("cmark", z), ("cmark", a)))])
        print("scaling (time at the larger size over the smaller, within each repetition):\n" + table(rows) + "\n")

    if large:
        rows = [["input", "check s", "build s", "build / check", "JSON parse s", "check / parse",
                 "check peak MiB", "build peak MiB", "check instructions", "build instructions", "build / check"]]
        for c in large:
            parse = b.median("parse", c)
            rows.append([c, num(b.median("check", c)), num(b.median("build", c)),
                         x(b.ratio(("build", c), ("check", c))),
                         "-" if parse is None else num(parse),
                         "-" if parse is None else x(b.ratio(("check", c), ("parse", c))),
                         num(b.median("check", c, 2), ".0f", 1024), num(b.median("build", c, 2), ".0f", 1024),
                         e9(instr.get(("check", c))), e9(instr.get(("build", c))),
                         x(b.iratio(("build", c), ("check", c)))])
        print("large inputs (medians; build and check alternate):\n" + table(rows) + "\n")

    # the targets of issue 14, at the first size
    n = base
    four = str(int(n) * 4) if n.isdigit() else ""
    rows = [[f"at {int(n):,} records" if n.isdigit() else "", "target", "dossier build (all outputs, no PDF)",
             "build --only site"]]
    rows.append(["wall time against Hugo, comparable layouts", "build <= 0.5x, site <= 0.25x",
                 verdict(b.ratio(("full", n), ("hugo-comparable", n)), 0.5),
                 verdict(b.ratio(("site", n), ("hugo-comparable", n)), 0.25)])
    rows.append(["wall time against Hugo, minimal layouts", "(for comparison)",
                 x(b.ratio(("full", n), ("hugo-minimal", n))), x(b.ratio(("site", n), ("hugo-minimal", n)))])
    rows.append(["CPU time against Hugo, comparable layouts", "(for comparison)",
                 x(b.ratio(("full", n), ("hugo-comparable", n), 1)), x(b.ratio(("site", n), ("hugo-comparable", n), 1))])
    rows.append(["wall time against the cmark-gfm floor", "build <= 4x, site <= 2x",
                 verdict(b.ratio(("full", n), ("cmark", n)), 4), verdict(b.ratio(("site", n), ("cmark", n)), 2)])
    if instr:
        rows.append(["instructions against the cmark-gfm floor", "build <= 4x, site <= 2x",
                     verdict(b.iratio(("full", n), ("cmark", n)), 4), verdict(b.iratio(("site", n), ("cmark", n)), 2)])
    rows.append(["peak memory against Hugo, comparable layouts", "<= 0.33x",
                 verdict(b.ratio(("full", n), ("hugo-comparable", n), 2), 0.33),
                 verdict(b.ratio(("site", n), ("hugo-comparable", n), 2), 0.33)])
    if four in map(str, sizes):
        rows.append(["4x the records: wall time", "<= 4.4x", verdict(b.ratio(("full", four), ("full", n)), 4.4),
                     verdict(b.ratio(("site", four), ("site", n)), 4.4)])
        if instr:
            rows.append(["4x the records: instructions", "<= 4.4x", verdict(b.iratio(("full", four), ("full", n)), 4.4),
                         verdict(b.iratio(("site", four), ("site", n)), 4.4)])
    r = b.ratio(("rebuild", n), ("full", n))
    rows.append(["one record edited, rebuilt", "<= 10% of a fresh build",
                 "-" if r is None else f"{100 * r:.0f}% ({'met' if r <= 0.10 else 'missed'})", ""])
    for c in large:
        rows.append([f"{c}: build against check, wall time", "<= 5x", verdict(b.ratio(("build", c), ("check", c)), 5), ""])
        if ("build", c) in instr:
            rows.append([f"{c}: build against check, instructions", "<= 5x",
                         verdict(b.iratio(("build", c), ("check", c)), 5), ""])
    print("the targets of issue 14:\n" + table(rows))


if __name__ == "__main__":
    main()

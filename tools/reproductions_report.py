#!/usr/bin/env python3
"""Writes docs/reproductions.md (to stdout) from the sweeps run by tools/reproductions.sh.

    python3 tools/reproductions_report.py OUTDIR > docs/reproductions.md

OUTDIR holds one `tessel sweep` directory per config of examples/reproductions/. Only the
standard library is used. The published figures are those of ../shared/spec/facts.md.
"""
import datetime
import itertools
import json
import os
import sys

LAYERS = ["conv1", "conv2", "conv3", "conv4", "conv5"]


def load(out, name):
    path = os.path.join(out, name, "points.jsonl")
    points = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                points.append(json.loads(line))
    points.sort(key=lambda p: p["index"])
    with open(os.path.join(out, name, "config.json"), encoding="utf-8") as f:
        config = json.load(f)["config"]
    return points, config


def pj(p):
    return p["totals"]["pj_per_mac"]


def seconds(points):
    return sum(p["timing"]["seconds"] for p in points)


def source(p, name):
    for t in p["timing"]["layers"]:
        if t["name"] == name:
            return t["source"]
    return ""


def layer(p, name):
    for l in p["layers"]:
        if l["name"] == name:
            return l
    raise KeyError(name)


def mark(optimal):
    return "" if optimal else "*"


def kb(b):
    return f"{b // 1024} KB" if b >= 1024 and b % 1024 == 0 else f"{b} B"


def optimal_count(points):
    n = sum(1 for p in points for l in p["layers"] if l.get("optimal"))
    total = sum(len(p["layers"]) for p in points)
    return n, total


def templates(points):
    return sum(1 for p in points for t in p["timing"]["layers"] if t["source"] == "template")


def hierarchy_section(out):
    pts, cfg = load(out, "interstellar_hierarchy")
    space = cfg["space"]
    rfs, gbs, pbs = space["rf_bytes"], space["gb_bytes"], space["pe_buffer_bytes"]
    by = {(p["params"]["rf_bytes"], p["params"]["pe_buffer_bytes"], p["params"]["gb_bytes"]): p
          for p in pts if p["feasible"]}
    base = by.get((512, 0, 131072))
    flat = [p for p in pts if p["feasible"] and p["params"]["pe_buffer_bytes"] == 0]
    deep = [p for p in pts if p["feasible"] and p["params"]["pe_buffer_bytes"] > 0]
    best_flat = min(flat, key=pj)
    best_deep = min(deep, key=pj) if deep else None
    best_all = min((p for p in pts if p["feasible"]), key=pj)
    opt, total = optimal_count(pts)
    s = []
    s.append("## 1. Interstellar: the memory hierarchy (AlexNet CONV1-5)\n")
    s.append(
        "**Published** (Yang et al., ASPLOS 2020, via facts.md): with good blocking, the memory\n"
        "hierarchy matters most. Shrinking Eyeriss's register file saves **2.6x**, one more\n"
        "memory level a **further ~25%**, and co-optimizing blocking and hierarchy gives up to\n"
        "**4.2x** on CNNs (at constant throughput).\n")
    s.append(
        f"**Setup** (`examples/reproductions/interstellar_hierarchy.json`):\n"
        f"- the `eyeriss` structure, 16x16 PEs, priced by the `interstellar` table (28 nm, pJ\n"
        f"  per 16-bit access; docs/sweep.md);\n"
        f"- the row-stationary dataflow's spatial dimensions as constraints\n"
        f"  (`row_stationary`: docs/dataflows.md); the blocking, loop orders and the rest of\n"
        f"  the spatial factors are searched per layer;\n"
        f"- {len(rfs)} register-file sizes x {len(gbs)} global-buffer sizes x "
        f"{len(pbs)} per-PE buffer choices = {len(pts)} points, {len(LAYERS)} layers each,\n"
        f"  {cfg['explore']['budget_s']} s per layer search;\n"
        f"- {opt} of {total} layer searches finished (proven optimal). The others are the best\n"
        f"  found within the budget, an upper bound on the optimum; {templates(pts)} of them\n"
        f"  kept the row-stationary template (nothing cheaper found in time).\n"
        f"- Compute time: {seconds(pts) / 60:.1f} min.\n")
    for pb in pbs:
        title = "no per-PE buffer" if pb == 0 else f"with a {kb(pb)} per-PE buffer"
        s.append(f"**Energy (pJ/MAC, AlexNet CONV1-5), {title}** (`*`: some layer budgeted)\n")
        s.append("| register file | " + " | ".join(kb(g) + " GB" for g in gbs) + " |")
        s.append("|---|" + "---|" * len(gbs))
        for rf in rfs:
            cells = []
            for g in gbs:
                p = by.get((rf, pb, g))
                cells.append("-" if p is None else f"{pj(p):.3f}{mark(p['optimal'])}")
            s.append(f"| {kb(rf)} | " + " | ".join(cells) + " |")
        s.append("")
    if base is None:
        return "\n".join(s)

    def desc(p):
        q = p["params"]
        d = f"{kb(q['rf_bytes'])} RF"
        if q["pe_buffer_bytes"]:
            d += f", {kb(q['pe_buffer_bytes'])} per-PE buffer"
        return d + f", {kb(q['gb_bytes'])} GB"

    s.append("**Ours beside the paper's**\n")
    s.append("| comparison | ours | published |")
    s.append("|---|---|---|")
    s.append(f"| Eyeriss-like baseline ({desc(base)}) | {pj(base):.3f} pJ/MAC | - |")
    s.append(f"| smaller register file, same levels: best is {desc(best_flat)} | "
             f"{pj(base) / pj(best_flat):.2f}x less energy ({pj(best_flat):.3f} pJ/MAC) | 2.6x |")
    def change(new, old):
        d = (1 - pj(new) / pj(old)) * 100
        return f"{d:.0f}% less energy" if d >= 0 else f"{-d:.0f}% more energy"

    if best_deep:
        s.append(f"| one more level: best with it is {desc(best_deep)} | "
                 f"{change(best_deep, best_flat)} than the best without it "
                 f"({pj(best_deep):.3f} pJ/MAC) | ~25% less |")
        # Interstellar's own optimized hierarchy: 16 B RF, 128 B buffer, 256 KB GB.
        a, b = by.get((16, 0, 262144)), by.get((16, 128, 262144))
        if a and b:
            s.append(f"| one more level on Interstellar's hierarchy (16 B RF, 256 KB GB, "
                     f"+128 B buffer) | {change(b, a)} ({pj(a):.3f} -> {pj(b):.3f} pJ/MAC) "
                     f"| ~25% less |")
        gains = [(1 - pj(by[(rf, pbs[-1], g)]) / pj(by[(rf, 0, g)])) * 100
                 for rf in rfs for g in gbs if (rf, 0, g) in by and (rf, pbs[-1], g) in by]
        if gains:
            def pct(g):
                return f"{g:.0f}% less" if g >= 0 else f"{-g:.0f}% more"

            s.append(f"| one more level, cell by cell (same RF and GB) | from {pct(min(gains))} "
                     f"to {pct(max(gains))} energy | ~25% less |")
    s.append(f"| best overall vs baseline ({desc(best_all)}) | "
             f"{pj(base) / pj(best_all):.2f}x | up to 4.2x (CNN) |")
    s.append(f"| cycles, baseline vs best | {base['totals']['cycles']:,.0f} vs "
             f"{best_all['totals']['cycles']:,.0f} | constant throughput |")
    s.append("")
    rf_row = [by[(rf, 0, 131072)] for rf in rfs if (rf, 0, 131072) in by]
    s.append("**Where the energy goes** (128 KB GB, no per-PE buffer; pJ/MAC by level)\n")
    levels = ["RF", "GB", "DRAM", "noc", "mac"]
    s.append("| register file | " + " | ".join(levels) + " | total |")
    s.append("|---|" + "---|" * (len(levels) + 1))
    for p in rf_row:
        b = p["totals"]["breakdown"]
        macs = p["totals"]["macs"]
        s.append(f"| {kb(p['params']['rf_bytes'])} | " +
                 " | ".join(f"{b.get(k, 0) / macs:.3f}" for k in levels) +
                 f" | {pj(p):.3f} |")
    s.append("")
    return "\n".join(s)


def dataflows_conv3_section(out):
    pts, cfg = load(out, "interstellar_dataflows_conv3")
    feas = [p for p in pts if p["feasible"]]
    best = min(feas, key=pj)
    opt, total = optimal_count(pts)
    s = ["## 2. Interstellar: dataflows land close once blocking is optimized (AlexNet CONV3)\n"]
    s.append(
        "**Published**: with good blocking, many dataflows reach similar energy; the paper\n"
        "compares the pairs of loop dimensions mapped onto the two array axes.\n")
    s.append(
        f"**Setup** (`examples/reproductions/interstellar_dataflows_conv3.json`):\n"
        f"- the built-in `interstellar` hierarchy (16 B RF, 128 B per-PE buffer, 16x16 PEs,\n"
        f"  256 KB GB), priced by the `interstellar` table;\n"
        f"- each pair X|Y constrains the array's x axis to dimension X and its y axis to Y;\n"
        f"  `any` is unconstrained;\n"
        f"- {cfg['explore']['budget_s']} s per search; {opt} of {total} searches finished.\n"
        f"- Compute time: {seconds(pts):.0f} s.\n")
    s.append("| dataflow (x\\|y) | pJ/MAC | vs best | utilization | cycles | optimal |")
    s.append("|---|---|---|---|---|---|")
    for p in sorted(feas, key=pj):
        l = p["layers"][0]
        name = p["params"]["dataflow"].replace("|", "\\|")
        s.append(f"| {name} | {pj(p):.3f} | {pj(p) / pj(best):.2f}x | "
                 f"{l['utilization'] * 100:.0f}% | {l['cycles']:,} | "
                 f"{'yes' if l['optimal'] else 'no (budget)'} |")
    s.append("")
    pairs = [p for p in feas if p["params"]["dataflow"] != "any"]
    for tol in (1.1, 1.25):
        n = sum(1 for p in pairs if pj(p) <= tol * pj(best))
        s.append(f"- {n} of {len(pairs)} pairs are within {round((tol - 1) * 100)}% of the best.")
    s.append("- P and Q, and R and S, have equal extents in CONV3, so the pairs that swap them "
             "(K|P and K|Q, P|R and Q|S, ...) give equal energies: a consistency check.")
    both_big = [p for p in pairs if not set(p["params"]["dataflow"].split("|")) & {"R", "S"}]
    if both_big:
        worst = max(both_big, key=pj)
        s.append(f"- Among pairs of the large dimensions (K, C, P, Q), the spread is "
                 f"{pj(worst) / min(map(pj, both_big)):.2f}x (worst: "
                 f"{worst['params']['dataflow']}).")
    s.append("")
    return "\n".join(s)


def eyeriss_section(out):
    pts, cfg = load(out, "eyeriss_dataflows")
    nlr, _ = load(out, "eyeriss_nlr")
    rows = {p["params"]["dataflow"]: p for p in pts + nlr if p["feasible"]}
    opt, total = optimal_count(pts + nlr)
    s = ["## 3. Eyeriss: row stationary against the other dataflows (AlexNet CONV1-5)\n"]
    s.append(
        "**Published** (Chen, Emer, Sze, ISCA 2016, via facts.md): at 256 PEs and equal\n"
        "storage area, row stationary is **1.4x-2.5x** more energy-efficient than the other\n"
        "dataflows on the AlexNet conv layers.\n")
    s.append(
        f"**Setup** (`examples/reproductions/eyeriss_dataflows.json`, `eyeriss_nlr.json`):\n"
        f"- `eyeriss` energies (normalized: MAC 1, RF 1, hop 2, GB 6, DRAM 200) and 16x16 PEs;\n"
        f"- row, weight and output stationary on the same hardware: a 512 B RF per PE and a\n"
        f"  128 KB GB;\n"
        f"- no local reuse keeps nothing in the PE (its RF keeps no operand), and gets the\n"
        f"  register files' storage as buffer instead: a 256 KB GB, for equal storage;\n"
        f"- each dataflow is its spatial dimensions as constraints (docs/dataflows.md), with\n"
        f"  the blocking optimized by the explorer, {cfg['explore']['budget_s']} s per layer;\n"
        f"- {opt} of {total} layer searches finished (`*` marks budgeted results).\n"
        f"- Compute time: {seconds(pts + nlr):.0f} s.\n")
    order = [d for d in ["row_stationary", "weight_stationary", "output_stationary",
                         "no_local_reuse"] if d in rows]
    s.append("**Energy (pJ/MAC)** (`†`: the dataflow's own schedule, docs/dataflows.md; the "
             "search found nothing cheaper within its budget)\n")
    s.append("| dataflow | " + " | ".join(LAYERS) + " | CONV1-5 |")
    s.append("|---|" + "---|" * (len(LAYERS) + 1))
    for d in order:
        p = rows[d]
        cells = [f"{layer(p, n)['pj_per_mac']:.2f}{mark(layer(p, n)['optimal'])}"
                 f"{'†' if source(p, n) == 'template' else ''}" for n in LAYERS]
        s.append(f"| {d} | " + " | ".join(cells) + f" | {pj(p):.2f} |")
    s.append("")
    if "row_stationary" not in rows:
        return "\n".join(s)
    rs = rows["row_stationary"]
    s.append("**Energy relative to row stationary** (published: 1.4x-2.5x)\n")
    s.append("| dataflow | " + " | ".join(LAYERS) + " | CONV1-5 |")
    s.append("|---|" + "---|" * (len(LAYERS) + 1))
    ratios = {}
    for d in order[1:]:
        p = rows[d]
        r = [layer(p, n)["pj_per_mac"] / layer(rs, n)["pj_per_mac"] for n in LAYERS]
        ratios[d] = r
        s.append(f"| {d} | " + " | ".join(f"{x:.2f}x" for x in r) + f" | {pj(p) / pj(rs):.2f}x |")
    s.append("")
    local = [x for d in ("weight_stationary", "output_stationary") for x in ratios.get(d, [])]
    if local:
        s.append(f"- Weight and output stationary, with the same 512 B register files and their "
                 f"blocking optimized, land from {min(local):.2f}x to {max(local):.2f}x of row "
                 f"stationary (published: 1.4x-2.5x).")
    if "no_local_reuse" in ratios:
        r = ratios["no_local_reuse"]
        if max(r) <= 2.5 and min(r) >= 1.4:
            where = "within the published range"
        elif min(r) > 2.5:
            where = "above the published range"
        elif max(r) > 2.5:
            where = "overlapping the top of the published range and beyond it"
        else:
            where = "below the published range"
        s.append(f"- No local reuse, with no storage in the PE, costs {min(r):.2f}x to "
                 f"{max(r):.2f}x the energy of row stationary: {where}.")
    s.append("")
    return "\n".join(s)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/tessel_reproductions"
    parts = [
        "# Reproductions: Interstellar and Eyeriss\n",
        "<!-- Generated by tools/reproductions.sh (tools/reproductions_report.py); do not edit "
        "by hand. -->\n",
        f"Generated on {datetime.date.today().isoformat()} by `bash tools/reproductions.sh` "
        "(the sweeps of `examples/reproductions/`, then this page). The figures are Tessel's\n"
        "exact counts of the mappings found, priced by the tables of docs/sweep.md. The\n"
        "searches are **budgeted**: a result marked `*` (or \"no (budget)\") is the best\n"
        "mapping found in the time given, not a proven optimum. With more time it can only\n"
        "get better, so the ratios below can move either way. Run times are for a 2-core\n"
        "machine shared with other jobs.\n",
        hierarchy_section(out),
        dataflows_conv3_section(out),
        eyeriss_section(out),
        EXPLANATIONS,
    ]
    sys.stdout.write("\n".join(parts))


EXPLANATIONS = """## Why our numbers differ from the papers'

- **Budgets.** Searches are budgeted (the figures above say how many finished). A
  budgeted figure is an upper bound on the optimum of its point, and `lower_bound` in
  `points.jsonl` bounds it from below. Four-level points (with the per-PE buffer) have
  the largest mapspaces and are the ones that mostly stop at the budget, so their cells
  and the "one more level" comparisons understate what the extra level can save. A layer
  whose search found nothing cheaper than the named dataflow's own schedule reports that
  schedule (`"source": "template"` in `points.jsonl`; docs/sweep.md).
- **Our baseline is already optimized.** Interstellar's 2.6x compares a smaller register
  file against Eyeriss's. Here both sides get blocking optimized by the same search,
  under row stationary's spatial dimensions. The ratio measures the hierarchy alone.
- **No bypass search in the sweep.** The sweep does not choose which operands a level
  keeps (`tessel explore --bypass` does, with one search per combination, which is too
  slow for a sweep of hundreds of points yet: docs/explorer.md). So the extra per-PE
  buffer always holds W, I and O, and every word that passes it costs an access there,
  even when the buffer does not help that operand. Interstellar's optimizer chooses per
  operand. Our "one more level" figure is therefore conservative, and at some sizes the
  extra level costs energy.
- **Throughput is not held constant.** The paper compares at constant throughput. The
  sweep minimizes energy per layer and reports cycles beside it, so a point may buy
  energy with lower utilization. Add cycles to `explore.objective` (a lexicographic
  order) or read the cycles column of `points.jsonl` to compare at equal speed.
- **Equal area is approximated by equal storage.** The Eyeriss paper sized each
  dataflow's register files and buffer for equal chip area. We give row, weight and
  output stationary the same 512 B RF and 128 KB GB. No local reuse gets the register
  files' 128 KB as extra buffer. Every access to a buffer costs 6 in the normalized
  table, whatever its size, which is the paper's simplification too. Weight stationary
  and output stationary keep the large RF here, so they reuse more in the PE than in the
  paper's equal-area setup. That is the main reason why they land close to row
  stationary here.
- **No local reuse** reads every weight and input from the global buffer and accumulates
  every partial sum there, at 6 per access against 1 in the register file. This is the
  paper's model too, which is why it is the dataflow whose ratio is closest to the
  published range.
- **Blocking is optimized for every dataflow.** The Eyeriss paper's comparison used each
  dataflow's own mapping. Here each dataflow is only its spatial dimensions, and the
  explorer finds the best blocking and loop order for it. This is Interstellar's point:
  once blocking is optimized, dataflows land closer together. docs/dataflows.md shows
  the same dataflows with fixed schedule templates instead of searched blocking; there
  the gaps to row stationary are larger.
- **Technology.** The Interstellar table is at 28 nm and the Eyeriss table is normalized
  at 65 nm; each section uses its paper's table. DRAM is 200 in both, so DRAM traffic
  dominates wherever the on-chip levels are cheap.
"""


if __name__ == "__main__":
    main()

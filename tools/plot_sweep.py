#!/usr/bin/python3
"""Plots a `tessel sweep` directory (docs/sweep.md) to PNG and SVG.

    python3 tools/plot_sweep.py DIR [--out PLOTDIR] [--top N]

Reads DIR/points.jsonl (every finished point) and DIR/pareto.json (the front) and writes,
into PLOTDIR (default DIR/plots):

  energy_vs_cycles.{png,svg}   every feasible point, the Pareto points highlighted
  energy_vs_area.{png,svg}     the same against area
  breakdown.{png,svg}          energy per MAC split by level, array (noc) and MACs, for the
                               Pareto points (or the N cheapest points with --top N)

Needs matplotlib (Debian: apt-get install python3-matplotlib). Budgeted points (some layer
not proven optimal) are drawn hollow.
"""
import argparse
import json
import os
import sys


def load(directory):
    points = []
    path = os.path.join(directory, "points.jsonl")
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                points.append(json.loads(line))
            except json.JSONDecodeError:
                print(f"{path}:{n}: skipping an incomplete line", file=sys.stderr)
    pareto_path = os.path.join(directory, "pareto.json")
    front = []
    if os.path.exists(pareto_path):
        with open(pareto_path, encoding="utf-8") as f:
            front = json.load(f)["front"]
    return points, front


def label(p):
    q = p["params"]
    parts = [f"rf {q['rf_bytes']}B"]
    if q.get("pe_buffer_bytes"):
        parts.append(f"pb {q['pe_buffer_bytes']}B")
    if q.get("gb_bytes"):
        gb = q["gb_bytes"]
        parts.append(f"gb {gb // 1024}KB" if gb % 1024 == 0 else f"gb {gb}B")
    parts.append(f"{q['mesh'][0]}x{q['mesh'][1]}")
    bits = q["bits"]
    if not (bits["W"] == bits["I"] == bits["O"] == 16):
        parts.append(f"{bits['W']}/{bits['I']}/{bits['O']}b")
    parts.append(q["dataflow"])
    return ", ".join(parts)


def scatter(plt, points, front, x_key, x_label, name, out):
    feasible = [p for p in points if p["feasible"]]
    on_front = {p["key"] for p in front}
    fig, ax = plt.subplots(figsize=(7, 5))
    dataflows = sorted({p["params"]["dataflow"] for p in feasible})
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, df in enumerate(dataflows):
        color = colors[i % len(colors)]
        for optimal in (True, False):
            sel = [p for p in feasible
                   if p["params"]["dataflow"] == df and p["optimal"] == optimal]
            if not sel:
                continue
            ax.scatter([p["totals"][x_key] for p in sel],
                       [p["totals"]["pj_per_mac"] for p in sel],
                       s=18, alpha=0.6,
                       facecolors=color if optimal else "none", edgecolors=color,
                       label=df + ("" if optimal else " (budgeted)"))
    pf = sorted((p for p in feasible if p["key"] in on_front), key=lambda p: p["totals"][x_key])
    if pf:
        ax.scatter([p["totals"][x_key] for p in pf], [p["totals"]["pj_per_mac"] for p in pf],
                   s=70, facecolors="none", edgecolors="black", linewidths=1.2,
                   label="Pareto front (all objectives)")
    ax.set_xlabel(x_label)
    ax.set_ylabel("energy (pJ per MAC)")
    ax.set_xscale("log")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"{len(feasible)} points, {len(pf)} on the front")
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(out, f"{name}.{ext}"), dpi=150)
    plt.close(fig)


def breakdown(plt, points, front, top, out):
    if top:
        sel = sorted((p for p in points if p["feasible"]),
                     key=lambda p: p["totals"]["energy_pj"])[:top]
    else:
        sel = sorted(front, key=lambda p: p["totals"]["energy_pj"])
    if not sel:
        return
    parts = []
    for p in sel:
        for k in p["totals"]["breakdown"]:
            if k not in parts:
                parts.append(k)
    # Levels innermost first as the architecture lists them, then the array and the MACs.
    fig, ax = plt.subplots(figsize=(max(6, 0.5 * len(sel) + 3), 5))
    bottom = [0.0] * len(sel)
    for part in parts:
        values = [p["totals"]["breakdown"].get(part, 0.0) / p["totals"]["macs"] for p in sel]
        ax.bar(range(len(sel)), values, bottom=bottom, label=part)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_xticks(range(len(sel)))
    ax.set_xticklabels([label(p) for p in sel], rotation=60, ha="right", fontsize=7)
    ax.set_ylabel("energy (pJ per MAC)")
    ax.set_title("energy breakdown" + (f" ({top} cheapest points)" if top else
                                       " (Pareto points)"))
    ax.legend(fontsize=8)
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(os.path.join(out, f"breakdown.{ext}"), dpi=150)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", help="the sweep's output directory (tessel sweep --out)")
    ap.add_argument("--out", help="where to write the plots (default DIR/plots)")
    ap.add_argument("--top", type=int, default=0,
                    help="breakdown of the N cheapest points instead of the Pareto points")
    args = ap.parse_args()
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("plot_sweep.py needs matplotlib: apt-get install python3-matplotlib")
    points, front = load(args.dir)
    if not points:
        sys.exit(f"{args.dir}/points.jsonl has no points")
    out = args.out or os.path.join(args.dir, "plots")
    os.makedirs(out, exist_ok=True)
    scatter(plt, points, front, "cycles", "cycles (network total)", "energy_vs_cycles", out)
    scatter(plt, points, front, "area_um2", "area (um^2; a placeholder if the table has none)",
            "energy_vs_area", out)
    breakdown(plt, points, front, args.top, out)
    print(f"wrote energy_vs_cycles, energy_vs_area, breakdown (.png, .svg) to {out}")


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Regenerates the generated parts of docs/dataflows.md: the published architectures, each
# dataflow's mapping of AlexNet CONV3, and the per-dataflow energy / utilization / cycles
# tables on AlexNet (CONV1-5, FC6-8). Every number comes from runs of the built binary:
#
#   build/tessel eval --arch ARCH --problem alexnet_full:LAYER --dataflow DATAFLOW --format json
#
# (and, for the FC layers at batch 16, --problem FILE.json with the same layer at N = 16).
# The text between "<!-- BEGIN GENERATED: name -->" and "<!-- END GENERATED: name -->" is
# replaced; everything else in the page is left as it is.
#
# Usage: tools/dataflow_table.sh [--check]
#   TESSEL=path/to/tessel   the binary to run (default: build/tessel)
#   --check                 do not write: exit 1 if the page is not up to date
# Needs python3 (standard library only).
set -euo pipefail
cd "$(dirname "$0")/.."
tessel=${TESSEL:-build/tessel}
if [[ ! -x $tessel ]]; then
  echo "dataflow_table.sh: $tessel not found; build first (tools/build.sh)" >&2
  exit 2
fi
exec python3 - "$tessel" docs/dataflows.md "$@" <<'PYTHON'
import json, os, re, subprocess, sys, tempfile

tessel, page = sys.argv[1], sys.argv[2]
check = "--check" in sys.argv[3:]

COMMAND = "build/tessel eval --arch ARCH --problem alexnet_full:LAYER --dataflow DATAFLOW --format json"
LAYERS = ["conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"]
CONV = LAYERS[:5]
FC = LAYERS[5:]


def run(*args):
    out = subprocess.run([tessel, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"dataflow_table.sh: tessel {' '.join(args)} failed:\n{out.stderr}")
    return out.stdout


def listing():
    # "  name  arch  summary" rows of `tessel eval --list-dataflows`, after the header and rule.
    rows = []
    for line in run("eval", "--list-dataflows").splitlines()[2:]:
        parts = re.split(r"\s{2,}", line.strip(), maxsplit=2)
        rows.append(parts)
    return rows


def evaluate(arch, problem, dataflow):
    return json.loads(run("eval", "--arch", arch, "--problem", problem, "--dataflow", dataflow,
                          "--format", "json"))


DATAFLOWS = listing()  # [name, published architecture, summary]
NAMES = [d[0] for d in DATAFLOWS]
OWN = {d[0]: d[1] for d in DATAFLOWS}

network = json.load(open("schedules/networks/alexnet_full.json"))
layer_json = {l["name"]: l for l in network["layers"]}


def results(arch_of):
    return {(df, layer): evaluate(arch_of(df), "alexnet_full:" + layer, df)
            for df in NAMES for layer in LAYERS}


on_eyeriss = results(lambda df: "eyeriss")
on_own = results(lambda df: OWN[df])

# FC layers at batch 16: the same layers as JSON files with N = 16.
fc16 = {}
with tempfile.TemporaryDirectory(prefix="tessel_dataflows_") as tmp:
    for layer in FC:
        spec = dict(layer_json[layer])
        spec.pop("repeat", None)
        spec["N"] = 16
        spec["name"] = layer + "_b16"
        path = os.path.join(tmp, layer + "_b16.json")
        with open(path, "w") as f:
            json.dump(spec, f)
        for df in NAMES:
            fc16[(df, layer)] = evaluate("eyeriss", path, df)


def fmt_int(v):
    return f"{v:,}".replace(",", " ")


def aggregate(res, df, layers):
    macs = sum(res[(df, l)]["macs"] for l in layers)
    energy = sum(res[(df, l)]["energy_pj"] for l in layers)
    cycles = sum(res[(df, l)]["cycles"] for l in layers)
    pes = res[(df, layers[0])]["pes"]
    return {"macs": macs, "energy_pj": energy, "pj_per_mac": energy / macs, "cycles": cycles,
            "utilization": macs / (cycles * pes)}


METRICS = [
    ("Energy per MAC (pJ/MAC)", lambda r: f"{r['pj_per_mac']:.2f}"),
    ("Energy (µJ)", lambda r: f"{r['energy_pj'] / 1e6:.1f}"),
    ("Utilization of the 256 PEs", lambda r: f"{100 * r['utilization']:.1f}%"),
    ("Cycles", lambda r: fmt_int(r["cycles"])),
]


def metric_tables(res, label, layers, groups):
    out = []
    for title, f in METRICS:
        out.append(f"**{title}**\n")
        header = ["dataflow"] + layers + [g for g, _ in groups]
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "---|" * len(header))
        for df in NAMES:
            cells = [label(df)] + [f(res[(df, l)]) for l in layers]
            cells += [f(aggregate(res, df, ls)) for _, ls in groups]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return out


def mapping_text(m):
    parts = []
    for lv in m["levels"]:
        loops = " ".join(f"{d}{t}" for d, t in lv.get("temporal", []))
        axes = []
        for axis in ("x", "y"):
            on = " ".join(f"{d}{t}" for d, t, a in lv.get("spatial", []) if a == axis)
            if on:
                axes.append(f"{axis}: {on}")
        text = f"{lv['level']}: {loops or '-'}"
        if axes:
            text += " ‖ " + ", ".join(axes)
        parts.append(text)
    bypass = m.get("bypass")
    if bypass:
        parts.append("bypass " + ", ".join(f"{l}: {''.join(ops)}" for l, ops in bypass.items()))
    return " / ".join(parts)


def breakdown(r):
    macs = r["macs"]
    cells = []
    for lv in r["levels"]:
        cells.append((lv["name"], lv["energy_pj"] / macs))
    hops = sum(f["energy_pj"] for f in r["fanouts"])
    return cells, hops / macs, r["mac_energy_pj"] / macs


sections = {}

# --- architectures -------------------------------------------------------------------------
rows = ["| architecture | levels, innermost first (capacity per instance; mesh under it) | used by |",
        "|---|---|---|"]
archs = ["eyeriss"] + [a for a in dict.fromkeys(OWN.values()) if a != "eyeriss"]
for arch in archs:
    users = [df for df in NAMES if OWN[df] == arch]
    sample = on_own[(users[0], "conv3")] if users else on_eyeriss[(NAMES[0], "conv3")]
    meshes = {f["level"]: f"{f['x']}x{f['y']}" for f in sample["fanouts"] if f["x"] * f["y"] > 1}
    levels = []
    for lv in sample["levels"]:
        cap = lv["capacity"]
        text = lv["name"]
        if cap.get("capacity") is not None:
            unit = cap["unit"][:-1] if cap["capacity"] == 1 else cap["unit"]
            text += f" {fmt_int(cap['capacity'])} {unit}"
        if lv["name"] in meshes:
            text += f" (mesh {meshes[lv['name']]})"
        levels.append(text)
    rows.append(f"| `{arch}` | " + ", ".join(levels) + " | " + ", ".join(users) + " |")
sections["architectures"] = rows

# --- the mappings of CONV3 on eyeriss ------------------------------------------------------
rows = ["| dataflow | mapping of AlexNet CONV3 on `eyeriss` (levels outermost first: temporal loops outermost first ‖ spatial loops per axis) | PEs used |",
        "|---|---|---|"]
for df in NAMES:
    r = on_eyeriss[(df, "conv3")]
    rows.append(f"| {df} | {mapping_text(r['mapping'])} | {r['used_pes']} |")
rows += ["", "The row-stationary schedule of CONV3 on `eyeriss`, as DSL code (the `schedule` field "
         "of the JSON output):", "", "```cpp", on_eyeriss[("row_stationary", "conv3")]["schedule"].rstrip(), "```"]
sections["mappings"] = rows

# --- results -------------------------------------------------------------------------------
rows = [f"Command: `{COMMAND}` for every dataflow and layer (ARCH = `eyeriss` in the first",
        "tables, the dataflow's own architecture in the next ones), at batch 1. The network columns",
        "add up the layers: energy over MACs, and utilization = MACs / (cycles x 256).", ""]
rows.append("### On `eyeriss` (the same hardware for every dataflow)\n")
rows += metric_tables(on_eyeriss, lambda df: df, LAYERS, [("CONV1-5", CONV), ("all", LAYERS)])
rows.append("Energy by part on CONV3 (pJ/MAC):\n")
parts_header = None
for df in NAMES:
    cells, hops, mac = breakdown(on_eyeriss[(df, "conv3")])
    if parts_header is None:
        parts_header = ["dataflow"] + [n for n, _ in cells] + ["array hops", "MAC", "total"]
        rows.append("| " + " | ".join(parts_header) + " |")
        rows.append("|" + "---|" * len(parts_header))
    rows.append("| " + " | ".join([df] + [f"{v:.2f}" for _, v in cells] + [f"{hops:.2f}", f"{mac:.2f}",
                                           f"{on_eyeriss[(df, 'conv3')]['pj_per_mac']:.2f}"]) + " |")
rows.append("")
rows.append("Energy of CONV1-5 relative to row stationary on `eyeriss` (x times its energy):\n")
rows.append("| dataflow | on `eyeriss` | on its published architecture |")
rows.append("|---|---|---|")
base = aggregate(on_eyeriss, "row_stationary", CONV)["energy_pj"]
for df in NAMES:
    mine = aggregate(on_eyeriss, df, CONV)["energy_pj"] / base
    own = aggregate(on_own, df, CONV)["energy_pj"] / base
    rows.append(f"| {df} | {mine:.2f} | {own:.2f} (`{OWN[df]}`) |")
rows.append("")
rows.append("### On each dataflow's published architecture\n")
rows += metric_tables(on_own, lambda df: f"{df} on `{OWN[df]}`", LAYERS,
                      [("CONV1-5", CONV), ("all", LAYERS)])
rows.append("### FC layers at batch 16, on `eyeriss`\n")
rows.append("The same layers with N = 16 (a JSON problem file per layer, `--problem FILE`).\n")
rows += metric_tables(fc16, lambda df: df, FC, [("FC6-8", FC)])[:-1]
sections["results"] = rows

text = open(page).read()
new = text
for name, lines in sections.items():
    pattern = re.compile(r"(<!-- BEGIN GENERATED: %s -->\n).*?(<!-- END GENERATED: %s -->)" % (name, name),
                         re.S)
    if not pattern.search(new):
        sys.exit(f"dataflow_table.sh: {page} has no GENERATED block '{name}'")
    body = "\n".join(lines) + "\n"
    new = pattern.sub(lambda m: m.group(1) + body + m.group(2), new)

if check:
    if new != text:
        sys.exit(f"dataflow_table.sh: {page} is out of date; run tools/dataflow_table.sh")
    print(f"{page} is up to date")
else:
    with open(page, "w") as f:
        f.write(new)
    print(f"wrote {page}")
PYTHON

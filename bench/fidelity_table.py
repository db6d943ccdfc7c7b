#!/usr/bin/env python3
"""Summarises bench/fidelity-vs-twin: mean +- sd over seeds of MSE, W1, CE, accuracy per tool and model, whether
the tools' means agree within 2 standard errors, and the universal penalty (universal - end-to-end at lambda 0,
paired by seed) with its spread. Usage: fidelity_table.py OUT_DIR"""
import csv
import glob
import json
import math
import os
import re
import sys

out = sys.argv[1]
rows = []
# unirep-seedN/ (both modes), or unirep-seedN-rdc/, unirep-seedN-rdp/ when the modes ran apart
for path in sorted(glob.glob(os.path.join(out, "unirep-seed*", "fidelity.csv"))):
    seed = int(re.match(r"[0-9]+", path.split("unirep-seed")[1]).group(0))
    for r in csv.DictReader(open(path)):
        rows.append({"tool": "unirep", "mode": r["mode"], "kind": r["kind"], "lam": float(r["lambda"]),
                     "encoder_lambda": float(r["encoder_lambda"]), "seed": seed, "mse": float(r["mse"]), "w1": float(r["w1"]),
                     "ce": float(r["ce"]), "acc": float(r["accuracy"])})
twin = os.path.join(out, "twin.jsonl")
if os.path.exists(twin):
    for line in open(twin):
        j = json.loads(line)
        rows.append({k: j[k] for k in ("tool", "mode", "kind", "lam", "encoder_lambda", "seed", "mse", "w1", "ce")} | {"acc": j["acc"]})


def stats(v):
    n = len(v)
    m = sum(v) / n
    sd = math.sqrt(sum((x - m) ** 2 for x in v) / (n - 1)) if n > 1 else float("nan")
    return m, sd, n


models = sorted({(r["mode"], r["kind"], r["lam"], r["encoder_lambda"]) for r in rows})
metrics = ("mse", "w1", "ce", "acc")
print("| mode | model | tool | seeds | " + " | ".join(metrics) + " |")
print("|---|---|---|---|" + "---|" * len(metrics))
disagree = []
for mode, kind, lam, enc in models:
    label = f"{kind.replace('_', '-')} λ={lam:g}" + (f" (encoder λ={enc:g})" if kind == "universal" else "")
    by_tool = {}
    for tool in ("unirep", "twin"):
        sel = [r for r in rows if (r["tool"], r["mode"], r["kind"], r["lam"], r["encoder_lambda"]) == (tool, mode, kind, lam, enc)]
        if not sel:
            continue
        by_tool[tool] = {m: stats([r[m] for r in sel]) for m in metrics}
        cells = [f"{s[0]:.4f} ± {s[1]:.4f}" for s in (by_tool[tool][m] for m in metrics)]
        print(f"| {mode} | {label} | {tool} | {len(sel)} | " + " | ".join(cells) + " |")
    if len(by_tool) == 2 and min(by_tool[t][metrics[0]][2] for t in by_tool) < 2:
        disagree.append(f"{mode} {label}: fewer than 2 seeds in a tool, no standard error to judge by")
    elif len(by_tool) == 2:
        for m in metrics:
            (a, sa, na), (b, sb, nb) = by_tool["unirep"][m], by_tool["twin"][m]
            se = math.sqrt(sa ** 2 / na + sb ** 2 / nb)
            if abs(a - b) > 2 * se:
                disagree.append(f"{mode} {label} {m}: unirep {a:.4f}, twin {b:.4f}, difference {a - b:+.4f} > 2 SE = {2 * se:.4f}")

print("\nUniversal penalty at λ = 0 (universal − end-to-end λ=0, same seed):")
for tool in ("unirep", "twin"):
    for mode in ("rdc", "rdp"):
        uni = {r["seed"]: r for r in rows if (r["tool"], r["mode"], r["kind"], r["lam"]) == (tool, mode, "universal", 0.0)}
        e2e = {r["seed"]: r for r in rows if (r["tool"], r["mode"], r["kind"], r["lam"]) == (tool, mode, "end_to_end", 0.0)}
        seeds = sorted(set(uni) & set(e2e))
        if len(seeds) < 1:
            continue
        parts = []
        for m in metrics:
            mean, sd, n = stats([uni[s][m] - e2e[s][m] for s in seeds])
            parts.append(f"{m} {mean:+.4f} ± {sd:.4f}")
        print(f"  {tool} {mode} ({len(seeds)} seeds): " + ", ".join(parts))
print("\nMeans within 2 standard errors: " + ("all" if not disagree else "not all:\n  " + "\n  ".join(disagree)))

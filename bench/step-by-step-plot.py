#!/usr/bin/env python3
"""Issue 18: draws the step-by-step data-efficiency curve from bench/step-by-step-curve.sh's runs.

Reads DIR/<method>-f<fraction>-s<seed>/report.json (method labels, step-by-step or soft-label), takes each run's accuracy on the
test rows (the evaluation with test_rows) and on the validation rows, averages over seeds, prints a table and writes
an SVG: test accuracy (%) against the fraction of training rows (log2 axis), one line per method (a single
fraction draws one point per method).
Usage: bench/step-by-step-plot.py runs/sbs-curve runs/step-by-step-curve.svg [ROWS.tsv]
ROWS.tsv (optional) adds runs measured earlier whose output directories are no longer on this machine, one per line:
method, fraction, seed, validation %, test %, source (the session and command; docs/benchmarks.md has the run), tab
separated, '#' starts a comment. A run present in DIR too is an error, so no point is counted twice. DIR '-' reads
ROWS only (bench/step-by-step-curve-chosen.tsv holds every run of the curve at the chosen settings).
"""
import json
import math
import os
import re
import sys
from collections import defaultdict

src, out = sys.argv[1], sys.argv[2]
acc = defaultdict(list)  # (method, fraction, split) -> [accuracy]
seen = set()  # (method, fraction, seed)
for name in sorted(os.listdir(src)) if src != "-" else []:
    m = re.fullmatch(r"(labels|step-by-step|soft-label)-f([0-9.]+)-s(\d+)", name)
    report = os.path.join(src, name, "report.json")
    if not m or not os.path.exists(report):
        continue
    for e in json.load(open(report))["evaluations"]:
        split = "test" if "test_rows" in e else "validation"
        acc[(m.group(1), float(m.group(2)), split)].append(100 * e["accuracy"])
    seen.add((m.group(1), float(m.group(2)), int(m.group(3))))
if len(sys.argv) > 3:
    for n, line in enumerate(open(sys.argv[3]), 1):
        if not line.split("#")[0].strip():
            continue
        method, f, seed, v, t, _ = line.rstrip("\n").split("\t")
        key = (method, float(f), int(seed))
        if key in seen:
            sys.exit(f"{sys.argv[3]}:{n}: {method} at {f} seed {seed} is also a run in {src}")
        seen.add(key)
        acc[(method, float(f), "validation")].append(float(v))
        acc[(method, float(f), "test")].append(float(t))

fractions = sorted({f for (_, f, _) in acc})
methods = ["labels", "step-by-step", "soft-label"]
print("| fraction | method | seeds | validation acc % | test acc % |")
print("|---|---|---|---|---|")
for f in fractions:
    for me in methods:
        v, t = acc.get((me, f, "validation"), []), acc.get((me, f, "test"), [])
        if t:
            print(f"| {f:g} | {me} | {len(t)} | {sum(v) / len(v):.2f} | {sum(t) / len(t):.2f} |")

W, H, L, R, T, B = 480, 320, 60, 130, 20, 50
pts = {me: [(f, sum(acc[(me, f, "test")]) / len(acc[(me, f, "test")])) for f in fractions if acc.get((me, f, "test"))]
       for me in methods}
ys = [y for p in pts.values() for _, y in p] or [0, 1]
lo, hi = math.floor(min(ys) - 1), math.ceil(max(ys) + 1)
xs = [math.log2(f) for f in fractions] or [0]
x0, x1 = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1
X = lambda f: L + (math.log2(f) - x0) / (x1 - x0) * (W - L - R)
Y = lambda a: T + (hi - a) / (hi - lo) * (H - T - B)
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="black"/>',
       f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="black"/>',
       f'<text x="{(L + W - R) / 2}" y="{H - 12}" text-anchor="middle">fraction of the 13,766 training rows (log scale)</text>',
       f'<text x="14" y="{(T + H - B) / 2}" transform="rotate(-90 14 {(T + H - B) / 2})" text-anchor="middle">'
       'e-SNLI test accuracy (%)</text>']
for f in fractions:
    svg.append(f'<text x="{X(f)}" y="{H - B + 15}" text-anchor="middle">{100 * f:g}%</text>')
for a in range(lo, hi + 1):
    svg.append(f'<text x="{L - 6}" y="{Y(a) + 4}" text-anchor="end">{a}</text>')
    svg.append(f'<line x1="{L}" y1="{Y(a)}" x2="{W - R}" y2="{Y(a)}" stroke="#ddd"/>')
colors = {"labels": "#1f77b4", "step-by-step": "#d62728", "soft-label": "#2ca02c"}
for i, me in enumerate(methods):
    p = pts[me]
    if not p:
        continue
    svg.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>'
               % (colors[me], " ".join(f"{X(f):.1f},{Y(a):.1f}" for f, a in p)))
    for f, a in p:
        svg.append(f'<circle cx="{X(f):.1f}" cy="{Y(a):.1f}" r="3" fill="{colors[me]}"/>')
    svg.append(f'<text x="{W - R + 10}" y="{T + 15 + 16 * i}" fill="{colors[me]}">{me}</text>')
if not pts["soft-label"]:
    svg.append(f'<text x="{W - R + 10}" y="{T + 47}" fill="#888">soft-label: not run</text>')
svg.append("</svg>")
open(out, "w").write("\n".join(svg) + "\n")
print("wrote", out)

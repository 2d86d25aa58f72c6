#!/usr/bin/env bash
# Issue 17, Fashion-MNIST: resnet-8-tiny students of the resnet-20-small teacher (config/recipes/resnet-8-tiny-*.yaml:
# plain, soft-label, fitnet, attention, pkd), one run at a time, interleaved by seed (all variants of one seed before
# the next seed) so a load that moves hits every variant alike. Prints one line per run (variant, seed, split,
# accuracy, wall seconds, load average) and appends it to runs/distill-fashion.tsv; then mean and sample sd per
# variant over the seeds run. Needs runs/resnet-fashion-teacher/model.onnx (config/recipes/resnet-fashion-teacher.yaml).
# Usage: bench/distill-fashion.sh "SEEDS" "VARIANTS" [--set k=v ...]
#   e.g. bench/distill-fashion.sh "11 12 13" "plain soft-label fitnet attention pkd" --set alpha=0.5
#        bench/distill-fashion.sh 11 attention --set split=validation --set weight=100   (a validation sweep point)
# CONDENSE=path/to/bin/condense (default the built distribution); runs are niced.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
condense=${CONDENSE:-distribution/target/condense-0.1.0/bin/condense}
seeds=$1; variants=$2; shift 2
tag=$(printf '%s' "$*" | sed 's/--set //g' | tr -c 'A-Za-z0-9.=-' '_')
mkdir -p runs/distill-fashion
touch runs/distill-fashion.tsv
for seed in $seeds; do
  for v in $variants; do
    out=runs/distill-fashion/$v-$seed${tag:+-$tag}
    rm -rf "$out"
    start=$(date +%s); load=$(cut -d' ' -f1 /proc/loadavg)
    CI=1 nice -n 10 "$condense" run "config/recipes/resnet-8-tiny-$v.yaml" --set seed="$seed" "$@" \
      --set output.dir="$out" > "$out.log" 2>&1 || { echo "$v seed $seed failed: see $out.log"; continue; }
    secs=$(( $(date +%s) - start ))
    python3 - "$out" "$v" "$seed" "$secs" "$load" "$*" <<'PY' | tee -a runs/distill-fashion.tsv
import json, sys
out, v, seed, secs, load, sets = sys.argv[1:]
r = json.load(open(out + "/report.json"))
e = r["evaluations"][-1]
split = "validation" if "validation_rows" in e else "test"
print(f"{v}\t{seed}\t{split}\t{e['accuracy'] * 100:.2f}\t{secs}\t{load}->{open('/proc/loadavg').read().split()[0]}\t{sets}")
PY
  done
done
python3 - "$variants" "$seeds" "$*" <<'PY'
import statistics, sys
variants, seeds, sets = sys.argv[1].split(), sys.argv[2].split(), sys.argv[3]
rows = [l.rstrip("\n").split("\t") for l in open("runs/distill-fashion.tsv")]
for v in variants:
    last = {r[1]: float(r[3]) for r in rows if r[0] == v and r[1] in seeds and r[6] == sets}
    acc = list(last.values())
    if acc:
        sd = statistics.stdev(acc) if len(acc) > 1 else float("nan")
        print(f"{v}: mean {statistics.mean(acc):.2f} sd {sd:.2f} over {len(acc)} runs {acc} ({sets or 'defaults'})")
PY

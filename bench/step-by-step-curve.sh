#!/usr/bin/env bash
# Issue 18, distilling step-by-step's data-efficiency curve: for each training fraction (data.fraction, a seeded
# subset of the 13,766 e-SNLI training rows, the same rows for both methods), the 2-layer MiniLM student trained on
# labels only (config/recipes/minilm-esnli-student-2l-labels.yaml) and with step-by-step
# (config/recipes/minilm-esnli-student-2l-step-by-step.yaml), one after the other, niced; each run evaluates the
# validation rows, then the test rows. Then bench/step-by-step-plot.py draws runs/step-by-step-curve.svg.
#   CONDENSE=/work/dist-sbs/bin/condense bench/step-by-step-curve.sh "0.25 0.125" "1" [extra --set ...]
# SUFFIX=-chosen runs the recipes at the settings chosen on validation (minilm-esnli-student-2l-labels-chosen.yaml and
# -step-by-step-chosen.yaml: 12 epochs; the copying, tied head on all three explanations) into runs/sbs-curve-chosen.
# ROWS=FILE adds runs measured earlier (bench/step-by-step-plot.py's ROWS format) to the plot; the runs at the chosen
# settings so far are all in bench/step-by-step-curve-chosen.tsv, which draws docs/step-by-step-curve-chosen.svg alone.
set -euo pipefail
fractions=${1:-"0.125 0.25 0.5 1"}
seeds=${2:-"1"}
shift 2 || true
condense=${CONDENSE:-./condense}
suffix=${SUFFIX:-}
dir=runs/sbs-curve$suffix
mkdir -p "$dir"
for seed in $seeds; do
  for f in $fractions; do
    for method in labels step-by-step; do
      out=$dir/$method-f$f-s$seed
      if [ -f "$out/report.json" ]; then echo "have $out"; continue; fi
      echo "$(date -u +%H:%M:%S) start $out (load $(cut -d' ' -f1 /proc/loadavg))"
      CI=1 nice -n 10 "$condense" run config/recipes/minilm-esnli-student-2l-$method$suffix.yaml --set fraction=$f \
        --set seed=$seed --set split=test --set output.dir=$out "$@" > "$out.log" 2>&1 \
        || { echo "failed: $out (see $out.log)"; exit 1; }
      echo "$(date -u +%H:%M:%S) done $out (load $(cut -d' ' -f1 /proc/loadavg))"
    done
  done
done
python3 bench/step-by-step-plot.py "$dir" "runs/step-by-step-curve$suffix.svg" ${ROWS:+"$ROWS"}

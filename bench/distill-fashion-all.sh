#!/usr/bin/env bash
# Issue 17, Fashion-MNIST, the whole comparison in one command, after the teacher
# (condense run config/recipes/resnet-fashion-teacher.yaml): a short validation sweep with seed 11 on the 6,000 rows
# the teacher never saw (soft-label alpha 0.9 / 0.5, then with the chosen alpha attention weight 1 / 10 and pkd weight
# 10 / 100), each choice the higher validation accuracy (ties: the first), then every variant on the test rows with
# seeds 11, 12, 13 (bench/distill-fashion.sh, interleaved by seed). fitnet takes the chosen alpha; plain has no knob
# (the teacher's lr 0.1). Writes the choices to runs/distill-fashion-choices.txt. CONDENSE as in distill-fashion.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
run() { "$here/distill-fashion.sh" "$@"; }
acc() { # variant seed sets -> the last validation accuracy recorded
  awk -F'\t' -v v="$1" -v s="$2" -v sets="$3" '$1 == v && $2 == s && $3 == "validation" && $7 == sets {a = $4} END {print a}' \
    runs/distill-fashion.tsv
}
best() { # variant base-sets var value1 value2 -> the value with the higher validation accuracy
  local v=$1 base=$2 var=$3 a b
  a=$(acc "$v" 11 "$base --set $var=$4"); b=$(acc "$v" 11 "$base --set $var=$5")
  awk -v a="$a" -v b="$b" -v x="$4" -v y="$5" 'BEGIN {print (b > a) ? y : x}'
}
sweep=${SWEEP:-1}
if [ "$sweep" = 1 ]; then
  for a in 0.9 0.5; do run 11 soft-label --set split=validation --set alpha=$a; done
fi
alpha=$(best soft-label "--set split=validation" alpha 0.9 0.5)
if [ "$sweep" = 1 ]; then
  for w in 1 10; do run 11 attention --set split=validation --set alpha="$alpha" --set weight=$w; done
  for w in 10 100; do run 11 pkd --set split=validation --set alpha="$alpha" --set weight=$w; done
fi
wat=$(best attention "--set split=validation --set alpha=$alpha" weight 1 10)
wpkd=$(best pkd "--set split=validation --set alpha=$alpha" weight 10 100)
echo "alpha $alpha attention-weight $wat pkd-weight $wpkd" | tee runs/distill-fashion-choices.txt
for seed in ${SEEDS:-11 12 13}; do
  run "$seed" plain
  run "$seed" soft-label --set alpha="$alpha"
  run "$seed" fitnet --set alpha="$alpha"
  run "$seed" attention --set alpha="$alpha" --set weight="$wat"
  run "$seed" pkd --set alpha="$alpha" --set weight="$wpkd"
done

#!/usr/bin/env bash
# Training throughput of a zoo model against the PyTorch peer, in pairs that share a CPU: each pair runs
# `bench/run.sh TrainThroughput MODEL EPOCHS 128 ROWS` pinned to CPU k, then `bench/pytorch-peer.sh` with the same
# arguments pinned to the same CPU k, k alternating between CPUs 0 and 1 from pair to pair. Prints each run's
# epochs 2..EPOCHS in samples per second (sorted), its median, and the pair's ratio of medians; then the median of
# the pair ratios. Both programs pinned to the same CPU: on a VM one vCPU can run slower than the other for minutes
# (sixteenth session: CPU 1 ~20% slower in both programs), and a pinned Condense against an unpinned peer measures
# the CPUs, not the programs. Stop other work first (the numbers are wall time).
# Usage: bench/train-vs-pytorch.sh MODEL [ROWS=2560] [EPOCHS=6] [PAIRS=8]
# PEER_BLAS_DIR goes to the peer as bench/pytorch-peer.sh reads it; the peer's OpenBLAS core is PEER_CORETYPE or
# pytorch-peer.sh's own choice (SkylakeX with AVX-512), never Condense's OPENBLAS_CORETYPE (which Condense respects).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
model=$1; rows=${2:-2560}; epochs=${3:-6}; pairs=${4:-8}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
speeds() { grep -E '^epoch' "$1" | tail -n +2 | awk '{print $5}'; }
for i in $(seq 1 "$pairs"); do
  cpu=$((i % 2))
  CONDENSE_CPU=$cpu "$here/run.sh" TrainThroughput "$model" "$epochs" 128 "$rows" > "$out/c" 2>&1
  # the peer on its own best core (pytorch-peer.sh's choice, or PEER_CORETYPE), whatever OPENBLAS_CORETYPE Condense has
  env -u OPENBLAS_CORETYPE ${PEER_CORETYPE:+OPENBLAS_CORETYPE=$PEER_CORETYPE} taskset -c $cpu \
    "$here/pytorch-peer.sh" "$model" "$epochs" 128 "$rows" > "$out/p" 2>&1
  grep -m1 '^pytorch-peer:' "$out/p" >&2
  c=$(speeds "$out/c" | median); p=$(speeds "$out/p" | median)
  echo "$c $p" >> "$out/pairs"
  printf 'pair %d cpu %d: condense [%s] median %s | pytorch [%s] median %s | ratio %.2f | load %s\n' "$i" "$cpu" \
    "$(speeds "$out/c" | sort -n | tr '\n' ' ' | sed 's/ $//')" "$c" \
    "$(speeds "$out/p" | sort -n | tr '\n' ' ' | sed 's/ $//')" "$p" "$(echo "$c $p" | awk '{print $1 / $2}')" \
    "$(cut -d' ' -f1 /proc/loadavg)"
done
printf '%s: median of %d pair ratios %.2fx (condense / pytorch, samples per second, epochs 2-%d)\n' "$model" "$pairs" \
  "$(awk '{print $1 / $2}' "$out/pairs" | median)" "$epochs"

#!/usr/bin/env bash
# Issue 16: decompositions of the built distribution's plugins against numpy references on the same seeded tensors,
# one thread each, run one after the other (never concurrently). Usage: bench/decomp-reference.sh [REPEATS [SEEDS]]
# (SEEDS: CP-ALS from that many random starts, seeds 0..SEEDS-1, in both)
# Prints the numpy lines then the Condense lines (JSON: name, impl, median seconds, relative error).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
repeats=${1:-5}
seeds=${2:-1}
dir=$(mktemp -d)
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
python3 "$here/decomp_reference.py" "$dir" "$repeats" "$seeds"
dist=$(ls -d "$root"/distribution/target/condense-*/ | head -1)
"$here/run.sh" DecompositionBench "$dir" "$repeats" "$dist/plugins" "$seeds"
rm -rf "$dir"

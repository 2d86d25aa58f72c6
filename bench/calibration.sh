#!/usr/bin/env bash
# Calibration time and memory of vgg-small on MNIST rows, one JVM per (calibrator, rows): see bench/src/CalibrationBench.java.
# Usage: bench/calibration.sh [ROWS...]   (default: 1000 10000)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rows=("$@"); [ ${#rows[@]} -gt 0 ] || rows=(1000 10000)
cd "$here/.."
for n in "${rows[@]}"; do
  for c in minmax percentile entropy mse; do
    "$here/run.sh" CalibrationBench "$c" "$n" 128 2>/dev/null | grep '^calibrator'
  done
done

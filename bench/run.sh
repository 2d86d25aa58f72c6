#!/usr/bin/env bash
# Compiles and runs one benchmark main from bench/src against the built distribution.
# Usage: bench/run.sh CLASS [ARGS...]   e.g. bench/run.sh TrainThroughput lenet-300-100 3 128
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
"$root/condense" --version >/dev/null   # builds the distribution if it is missing or stale
dist=$(ls -d "$root"/distribution/target/condense-*/ | head -1)
out="$root/bench/target/classes"
mkdir -p "$out"
javac -d "$out" -cp "$dist/lib/*" "$here"/src/*.java 2>/dev/null || javac -d "$out" -cp "$dist/lib/*" "$here"/src/*.java
cls="$1"; shift
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}   # as bin/condense: one OpenMP thread unless told otherwise
# as bin/condense: the OpenBLAS core for this CPU unless OPENBLAS_CORETYPE is set (bin/condense-blas-core)
if [ -z "${OPENBLAS_CORETYPE+x}" ]; then
  core=$(sh "$dist/bin/condense-blas-core")
  if [ -n "$core" ]; then export OPENBLAS_CORETYPE="$core"; fi
fi
# as bin/condense: one CPU for the JVM unless CONDENSE_CPU=off, OMP_NUM_THREADS > 1 or the affinity is already set
pin=
cpu=$(sh "$dist/bin/condense-cpu")
if [ -n "$cpu" ]; then pin="taskset -c $cpu"; export CONDENSE_PINNED_CPU="$cpu"; fi
# shellcheck disable=SC2086
exec $pin java ${BENCH_JAVA_OPTS:--Xmx6g} -Dorg.bytedeco.javacpp.platform.extension=-onednn -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -cp "$out:$dist/lib/*" "$cls" "$@"

#!/usr/bin/env bash
# Training throughput of a zoo model with SameDiff (one OpenMP thread, as bin/condense), with a stack sampler and
# a per-op time breakdown; see TrainThroughputBench for what it measures.
# Usage: bench/train-throughput.sh [model=lenet-300-100] [batch=128] [rows=60000] [epochs=2]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -pl framework/condense-engine -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
CP="framework/condense-engine/target/test-classes:framework/condense-engine/target/classes:framework/condense-api/target/classes"
CP="$CP:$(cat framework/condense-engine/target/bench.classpath)"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}   # as bin/condense
if [ -z "${OPENBLAS_CORETYPE+x}" ]; then   # as bin/condense: the OpenBLAS core for this CPU
  core=$(sh distribution/src/bin/condense-blas-core)
  if [ -n "$core" ]; then export OPENBLAS_CORETYPE="$core"; fi
fi
exec java ${BENCH_JAVA_OPTS:--Xmx8g} -Dorg.bytedeco.javacpp.platform.extension=-onednn \
  -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -cp "$CP" dev.condense.engine.bench.TrainThroughputBench "$@" 2>/dev/null

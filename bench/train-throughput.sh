#!/usr/bin/env bash
# Training throughput of a zoo model with SameDiff on 2 cores; see TrainThroughputBench for what it measures.
# Usage: bench/train-throughput.sh [model=lenet-300-100] [batch=128] [rows=60000] [epochs=2]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -pl framework/condense-engine -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
CP="framework/condense-engine/target/test-classes:framework/condense-engine/target/classes:framework/condense-api/target/classes"
CP="$CP:$(cat framework/condense-engine/target/bench.classpath)"
exec java -Xmx8g -cp "$CP" dev.condense.engine.bench.TrainThroughputBench "$@" 2>/dev/null

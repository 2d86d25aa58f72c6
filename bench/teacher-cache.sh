#!/usr/bin/env bash
# Issue 17, teacher cache: per-epoch wall seconds of the same distillation with the teacher cached and recomputed,
# interleaved (off, on, on, off, ...) so a load that moves hits both alike. Trains the resnet-20-small teacher first
# (2 epochs on 6,000 Fashion-MNIST rows, runs/resnet-teacher-6k) if it is not there.
# Usage: bench/teacher-cache.sh [ROUNDS] [EPOCHS] [ROWS]   (defaults 2 4 6000); CONDENSE=path/to/bin/condense
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
condense=${CONDENSE:-distribution/target/condense-0.1.0/bin/condense}
rounds=${1:-2}; epochs=${2:-4}; rows=${3:-6000}
if [ ! -f runs/resnet-teacher-6k/model.onnx ]; then
  CI=1 "$condense" run config/recipes/resnet-fashion.yaml --set stages.0.train.epochs=2 --set data.train-limit=6000 \
    --set data.test-limit=1000 --set 'stages.1.evaluate.metrics=[accuracy]' --set output.dir=runs/resnet-teacher-6k
fi
summary() {
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1] + "/report.json"))
def find(o, k):
    if isinstance(o, dict):
        if k in o: return o[k]
        for v in o.values():
            x = find(v, k)
            if x is not None: return x
    if isinstance(o, list):
        for v in o:
            x = find(v, k)
            if x is not None: return x
    return None
e = find(r, "epoch_seconds"); c = find(r, "teacher_cache")
later = e[1:]
print(f"{sys.argv[1]}: epoch_seconds {e} first {e[0]:.2f} later-mean {sum(later)/len(later):.2f}"
      f" cache used={c.get('used')} file_bytes={c.get('file_bytes')} fill_seconds={c.get('fill_seconds')}"
      f" read_seconds={c.get('read_seconds')}")
PY
}
for ((i = 1; i <= rounds; i++)); do
  if ((i % 2)); then order="off on"; else order="on off"; fi
  for mode in $order; do
    out=runs/teacher-cache-resnet-$mode-$i
    echo "round $i cache $mode, load: $(cut -d' ' -f1-3 /proc/loadavg)"
    CI=1 "$condense" run bench/recipes/teacher-cache-resnet.yaml --force --set cache=$mode --set epochs=$epochs \
      --set rows=$rows --set output.dir=$out > /dev/null
    summary $out
  done
done

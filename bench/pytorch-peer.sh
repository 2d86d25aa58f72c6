#!/usr/bin/env bash
# PyTorch peer of `bench/run.sh TrainThroughput`: runs bench/pytorch_peer.py with Debian's python3-torch on one thread,
# on OpenBLAS with its best core for this CPU (SkylakeX with AVX-512; not the reference BLAS torch links by default).
# Usage: bench/pytorch-peer.sh MODEL EPOCHS BATCH ROWS      e.g. bench/pytorch-peer.sh lenet-300-100 3 128 30000
# BLAS: Debian's libopenblas0-pthread (/usr/lib/x86_64-linux-gnu/openblas-pthread), or the directory in
# PEER_BLAS_DIR (e.g. from `apt-get download libopenblas0-pthread && dpkg -x libopenblas0-pthread_*.deb root`).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
blas_dir=${PEER_BLAS_DIR:-/usr/lib/x86_64-linux-gnu/openblas-pthread}
if [ -e "$blas_dir/libblas.so.3" ]; then
  export LD_LIBRARY_PATH="$blas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
else
  echo "pytorch-peer: no OpenBLAS in $blas_dir; torch runs on the reference BLAS (install libopenblas0-pthread)" >&2
fi
if [ -z "${OPENBLAS_CORETYPE+x}" ]; then
  # The peer runs on its best core: SkylakeX where the CPU has AVX-512 (Debian's OpenBLAS 0.3.21 computes float
  # gemm right there; Condense's own rule picks Haswell for OpenBLAS 0.3.19's wrong double LAPACK, which torch's
  # float training does not call), else the core Condense's launcher would pick.
  if grep -q avx512f /proc/cpuinfo 2>/dev/null; then
    export OPENBLAS_CORETYPE=SkylakeX
  else
    core=$(sh "$here/../distribution/src/bin/condense-blas-core")
    if [ -n "$core" ]; then export OPENBLAS_CORETYPE="$core"; fi
  fi
fi
echo "pytorch-peer: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}, BLAS from $blas_dir" >&2
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
exec /usr/bin/python3 "$here/pytorch_peer.py" "$@"

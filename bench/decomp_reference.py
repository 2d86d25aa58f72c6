"""numpy reference decompositions for issue 16 (bench/decomp-reference.sh runs this, then DecompositionBench).

Writes the seeded test tensors (raw float32, C order) to DIR and times the reference algorithms on them:
  svd      512x512 Gaussian matrix: thin SVD (np.linalg.svd, LAPACK gesdd), truncated at rank 64
  tucker2  256x256x3x3 kernel of multilinear rank (64, 64) plus 10% Gaussian noise: Tucker-2 at ranks (64, 64),
           truncated HOSVD then HOOI (at most 10 sweeps, stop when ||core|| changes by <= 1e-7 of itself), as
           plugins/decomp-tucker2 (Kim et al. 2016)
  cp       64x64x3x3 kernel of CP rank 32 plus 10% noise: CP-ALS at rank 32, seeded random init, 50 sweeps
           (Lebedev et al. 2015), as plugins/decomp-cp
Each is timed REPEATS times (median wall seconds, and median CPU seconds of the process, which a loaded machine
distorts less), one thread (OMP/OPENBLAS_NUM_THREADS=1 from the shell script). CP-ALS runs from SEEDS random starts
(seeds 0..SEEDS-1, one line each): its error depends on the start. Prints one JSON line per decomposition (and seed):
name, median seconds, median CPU seconds, relative Frobenius error of the reconstruction.

Usage: python3 bench/decomp_reference.py DIR [REPEATS [SEEDS]]
"""
import json
import sys
import time

import numpy as np

REPEATS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
SEEDS = int(sys.argv[3]) if len(sys.argv) > 3 else 1
DIR = sys.argv[1]


def save(name, a):
    a.astype(np.float32).tofile(f"{DIR}/{name}.f32")


def tensors():
    rng = np.random.default_rng(16)
    svd = rng.standard_normal((512, 512)).astype(np.float32)
    core = rng.standard_normal((64, 64, 3, 3))
    a_out = rng.standard_normal((256, 64))
    a_in = rng.standard_normal((256, 64))
    k = np.einsum("oa,abyx,ib->oiyx", a_out, core, a_in, optimize=True)
    k = k + 0.1 * np.linalg.norm(k) / np.sqrt(k.size) * rng.standard_normal(k.shape)
    factors = [rng.standard_normal((n, 32)) for n in (64, 64, 3, 3)]
    c = np.einsum("or,ir,yr,xr->oiyx", *factors, optimize=True)
    c = c + 0.1 * np.linalg.norm(c) / np.sqrt(c.size) * rng.standard_normal(c.shape)
    return svd, k.astype(np.float32), c.astype(np.float32)


def rel(a, b):
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def svd_ref(w, r=64):
    u, s, vt = np.linalg.svd(w, full_matrices=False)
    return (u[:, :r] * s[:r]) @ vt[:r]


def leading(a, r):
    return np.linalg.svd(a, full_matrices=False)[0][:, :r]


def tucker2_ref(w, r1=64, r2=64, sweeps=10, tol=1e-7):
    o, i, kh, kw = w.shape
    kk = kh * kw
    unfold_out = w.reshape(o, -1)
    unfold_in = w.transpose(1, 0, 2, 3).reshape(i, -1)

    def project_in(u_in):  # W x_1 U_in^T unfolded along the output mode: [o, r1 kk]
        return (u_in.T @ unfold_in).reshape(-1, o, kk).transpose(1, 0, 2).reshape(o, -1)

    def project_out(u_out):  # W x_0 U_out^T unfolded along the input mode: [i, r2 kk]
        return (u_out.T @ unfold_out).reshape(-1, i, kk).transpose(1, 0, 2).reshape(i, -1)

    u_in, u_out = leading(unfold_in, r1), leading(unfold_out, r2)
    prev = np.linalg.norm(u_in.T @ project_out(u_out))
    for _ in range(sweeps):
        u_out = leading(project_in(u_in), r2)
        z = project_out(u_out)
        u_in = leading(z, r1)
        norm = np.linalg.norm(u_in.T @ z)
        done = abs(norm - prev) <= tol * norm
        prev = norm
        if done:
            break
    core = (u_in.T @ project_out(u_out)).reshape(r1, r2, kh, kw).transpose(1, 0, 2, 3)
    t = (u_out @ core.reshape(r2, -1)).reshape(o, r1, kk).transpose(1, 0, 2).reshape(r1, -1)
    return (u_in @ t).reshape(i, o, kh, kw).transpose(1, 0, 2, 3)


def khatri_rao(a, b):
    return (a[:, None, :] * b[None, :, :]).reshape(-1, a.shape[1])


def cp_als_ref(w, r=32, sweeps=50, seed=0):
    dims = w.shape
    rng = np.random.default_rng(seed)
    f = [rng.standard_normal((n, r)).astype(np.float32) for n in dims]
    unf = [np.moveaxis(w, m, 0).reshape(dims[m], -1) for m in range(4)]
    for _ in range(sweeps):
        for m in range(4):
            others = [f[j] for j in range(4) if j != m]
            kr = khatri_rao(khatri_rao(others[0], others[1]), others[2])
            gram = np.ones((r, r), dtype=np.float32)
            for x in others:
                gram *= x.T @ x
            f[m] = np.linalg.solve(gram.T, (unf[m] @ kr).T).T
    return np.einsum("or,ir,yr,xr->oiyx", *f, optimize=True)


def timed(fn, x):
    times, cpu = [], []
    out = None
    for _ in range(REPEATS):
        t, c = time.perf_counter(), time.process_time()
        out = fn(x)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return float(np.median(times)), float(np.median(cpu)), rel(out, x)


def report(name, fn, x, **extra):
    seconds, cpu, error = timed(fn, x)
    print(json.dumps({"name": name, "impl": "numpy", **extra, "seconds": round(seconds, 4),
                      "cpu_seconds": round(cpu, 4), "relative_error": round(error, 5)}), flush=True)


if __name__ == "__main__":
    svd, k, c = tensors()
    save("svd", svd)
    save("tucker2", k)
    save("cp", c)
    report("svd", svd_ref, svd)
    report("tucker2", tucker2_ref, k)
    for seed in range(SEEDS):
        report("cp", lambda w, s=seed: cp_als_ref(w, seed=s), c, seed=seed)

#!/usr/bin/env python3
"""PyTorch peer of bench/src/TrainThroughput.java: training samples/s of Condense's zoo architectures.

Usage: bench/pytorch-peer.sh MODEL EPOCHS BATCH ROWS   (the wrapper sets the BLAS library, core and one thread)
       MODEL: lenet-300-100 | lenet-5 | vgg-small | resnet-20-small

Same layer sizes as framework/condense-engine/.../engine/zoo (MlpBuilder, CnnZoo), input normalization inside the
model as there ((x - 0.1307) / 0.3081), Adam lr 1e-3, cross-entropy on logits, shuffled batches of random data of
MNIST's shape ([ROWS, 1, 28, 28] uniform in [0, 1), labels 0-9, seed 1). Prints one line per epoch like
TrainThroughput (samples/s of that epoch, the first includes warm-up; and per second of the process's CPU time) and
which BLAS torch runs on. PEER_PROFILE=1
adds torch.profiler's per-op table of the last epoch (wall time; the profiler slows that epoch), and
PEER_PROFILE_SHAPES=1 splits it by input shapes (one row per layer).
"""
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN, STD = 0.1307, 0.3081


class Normalize(nn.Module):
    def forward(self, x):
        return (x - MEAN) / STD


def lenet_300_100():
    return nn.Sequential(Normalize(), nn.Flatten(), nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 100), nn.ReLU(),
                         nn.Linear(100, 10))


def lenet_5():
    # Caffe LeNet-5 as CnnZoo.lenet5: no activation after the convolutions.
    return nn.Sequential(Normalize(), nn.Conv2d(1, 20, 5), nn.MaxPool2d(2), nn.Conv2d(20, 50, 5), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(800, 500), nn.ReLU(), nn.Linear(500, 10))


def conv_bn(cin, cout, k, stride, pad):
    # BatchNormalization epsilon 1e-5, momentum 0.9 in ONNX terms = 0.1 in PyTorch's.
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, pad, bias=False), nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1))


def vgg_small():
    layers = [Normalize()]
    cin = 1
    for widths in ((16, 32), (32, 64)):
        for w in widths:
            layers += [conv_bn(cin, w, 3, 1, 1), nn.ReLU()]
            cin = w
        layers.append(nn.MaxPool2d(2))
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10)]
    return nn.Sequential(*layers)


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = conv_bn(cin, cout, 3, stride, 1)
        self.c2 = conv_bn(cout, cout, 3, 1, 1)
        self.down = conv_bn(cin, cout, 1, stride, 0) if stride != 1 else None

    def forward(self, x):
        h = self.c2(F.relu(self.c1(x)))
        return F.relu(h + (self.down(x) if self.down is not None else x))


class ResNet20Small(nn.Module):
    """CnnZoo.resnet20Small: stem conv-BN-ReLU 8, three stages of three basic blocks at 8/16/32, GAP, fc 10."""

    def __init__(self):
        super().__init__()
        self.norm = Normalize()
        self.stem = conv_bn(1, 8, 3, 1, 1)
        blocks, cin = [], 8
        for s, w in enumerate((8, 16, 32)):
            for k in range(3):
                blocks.append(Block(cin, w, 2 if s > 0 and k == 0 else 1))
                cin = w
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.blocks(F.relu(self.stem(self.norm(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


MODELS = {"lenet-300-100": lenet_300_100, "lenet-5": lenet_5, "vgg-small": vgg_small,
          "resnet-20-small": ResNet20Small}


def blas_line():
    """torch's build-time BLAS (BLAS_INFO=generic: linked against libblas.so.3) and the libblas it really mapped."""
    cfg = torch.__config__.show()
    info = [f for f in cfg.replace(",", " ").split() if f.startswith("BLAS_INFO=")]
    with open("/proc/self/maps") as maps:
        libs = sorted({l.split()[-1] for l in maps if "blas" in l.split()[-1]})
    return (" ".join(info) + ", loaded " + " ".join(os.path.realpath(l) for l in libs)
            + ", OPENBLAS_CORETYPE=" + os.environ.get("OPENBLAS_CORETYPE", "unset"))


def main():
    model_name = sys.argv[1] if len(sys.argv) > 1 else "lenet-300-100"
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 128
    rows = int(sys.argv[4]) if len(sys.argv) > 4 else 60000
    torch.set_num_threads(1)
    torch.manual_seed(1)
    x = torch.rand(rows, 1, 28, 28)
    y = torch.randint(0, 10, (rows,))
    model = MODELS[model_name]()
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, {blas_line()}")
    total_samples, total_time = 0, 0.0
    profiler = None
    for e in range(1, epochs + 1):
        if e == epochs and os.environ.get("PEER_PROFILE") == "1":  # per-op times of the last epoch (wall time)
            profiler = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU],
                                              record_shapes=os.environ.get("PEER_PROFILE_SHAPES") == "1")
            profiler.__enter__()
        perm = torch.randperm(rows)
        t0, c0 = time.perf_counter(), time.process_time()
        loss_sum, n = 0.0, 0
        for start in range(0, rows, batch):
            idx = perm[start:start + batch]
            xb, yb = x[idx], y[idx]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            n += len(idx)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        total_samples, total_time = total_samples + n, total_time + dt
        print(f"epoch {e}/{epochs} loss {loss_sum / n:.4f} {n / dt:.0f} samples/s, {n / dc:.0f} samples per CPU second")
        if profiler is not None:
            profiler.__exit__(None, None, None)
            by_shape = os.environ.get("PEER_PROFILE_SHAPES") == "1"
            print(profiler.key_averages(group_by_input_shape=by_shape).table(
                sort_by="self_cpu_time_total", row_limit=25 if by_shape else 15))
    print(f"{model_name} batch {batch}: {total_samples / total_time:.0f} samples/s over {epochs} epochs (pytorch)")


if __name__ == "__main__":
    main()

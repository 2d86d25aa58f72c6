"""Generates logsoftmax_mlp.onnx: a trained MNIST classifier exported by PyTorch whose head is log_softmax, as in
PyTorch's own MNIST example (the fixture of tests/ForeignTeacherRunTest: a teacher and a student whose outputs are
log-probabilities, not logits).

Input [N, 1, 28, 28] float32 in [0, 1] (MNIST pixels / 255, as Condense feeds them), output log-probabilities
[N, 10] (Flatten, Gemm 784x32, Relu, Gemm 32x10, LogSoftmax). Seeded (torch.manual_seed(5)); trained 2 epochs with
Adam (lr 1e-3, batch 64) on MNIST's 60,000 training images read from Condense's cache (~/.cache/condense/mnist, run
any MNIST recipe first); 93.6% test accuracy. Exported at opset 13.

Run: /usr/bin/python3 logsoftmax_mlp.py   (Debian: python3-torch, python3-onnx)
"""
import glob
import gzip
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def idx(kind, what):
    path = [f for f in glob.glob(os.path.expanduser("~/.cache/condense/mnist/*")) if kind in f and what in f][0]
    b = open(path, "rb").read()
    if b[:2] == b"\x1f\x8b":
        b = gzip.decompress(b)
    dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big") for i in range(b[3])]
    return np.frombuffer(b, np.uint8, offset=4 + 4 * b[3]).reshape(dims)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        return F.log_softmax(self.fc2(F.relu(self.fc1(torch.flatten(x, 1)))), dim=1)


torch.manual_seed(5)
x = torch.from_numpy(idx("train", "images").astype(np.float32) / 255).unsqueeze(1)
y = torch.from_numpy(idx("train", "labels").astype(np.int64))
model = Net()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(2):
    perm = torch.randperm(len(x))
    for i in range(0, len(x), 64):
        b = perm[i:i + 64]
        opt.zero_grad()
        F.nll_loss(model(x[b]), y[b]).backward()
        opt.step()
model.eval()
xt = torch.from_numpy(idx("t10k", "images").astype(np.float32) / 255).unsqueeze(1)
yt = torch.from_numpy(idx("t10k", "labels").astype(np.int64))
with torch.no_grad():
    print("test accuracy", (model(xt).argmax(1) == yt).float().mean().item())
torch.onnx.export(model, torch.rand(2, 1, 28, 28), "logsoftmax_mlp.onnx", opset_version=13,
                  input_names=["input"], output_names=["logprobs"],
                  dynamic_axes={"input": {0: "N"}, "logprobs": {0: "N"}})

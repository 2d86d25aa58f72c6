"""Generates bn_cnn.onnx: a small CNN exported by PyTorch with its BatchNormalization nodes kept (the model of
config/recipes/pytorch-bn-cnn-int8.yaml, shipped in the distribution's config/models/, and the fixture of
tests/QuantizeRunTest: the quantize stage folds them before int8).

Input [N, 1, 28, 28] float32 (MNIST), output logits [N, 10]. Seeded (torch.manual_seed(5)), random weights, BN
running statistics randomized so BN is not the identity. Exported at opset 13 with training=PRESERVE (in eval mode),
which keeps BatchNormalization instead of folding it into the Conv.

Run: /usr/bin/python3 bn_cnn.py   (Debian: python3-torch, python3-onnx)
"""
import torch
import torch.nn as nn

torch.manual_seed(5)
model = nn.Sequential(
    nn.Conv2d(1, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(8, 16, 3), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(16 * 5 * 5, 10))
for m in model.modules():
    if isinstance(m, nn.BatchNorm2d):
        m.running_mean.uniform_(-0.2, 0.2)
        m.running_var.uniform_(0.5, 1.5)
        m.weight.data.uniform_(0.5, 1.5)
        m.bias.data.uniform_(-0.1, 0.1)
model.eval()
torch.onnx.export(model, torch.rand(2, 1, 28, 28), "bn_cnn.onnx", opset_version=13,
                  training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False,
                  input_names=["input"], output_names=["logits"],
                  dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})

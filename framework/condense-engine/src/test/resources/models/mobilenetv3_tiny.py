"""Generates mobilenetv3_tiny.onnx: a small MobileNetV3-style CNN exported by PyTorch, the op-coverage fixture of
Condense (see docs/architecture.md, "Op coverage").

Input [N, 3, 32, 32] float32, output logits [N, 10]. Seeded (torch.manual_seed(12)), random weights (no
training: the tests compare runtimes, not accuracy). BatchNorm running statistics are randomized so that
inference-mode BN is not the identity. Exported at opset 14 (HardSwish is an opset-14 op) with constant folding
off, so the file keeps what real exports contain: HardSwish, HardSigmoid (squeeze-excite gate), nearest Resize
(nn.Upsample), ConvTranspose, Slice and Squeeze of activations, a Cast of a constant (an int64 buffer .float()),
and Shape/Gather chains.

Run: /usr/bin/python3 mobilenetv3_tiny.py   (Debian: python3-torch, python3-onnx)
"""
import torch
import torch.nn as nn


class SqueezeExcite(nn.Module):
    def __init__(self, c, r):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(c, r, 1)
        self.fc2 = nn.Conv2d(r, c, 1)

    def forward(self, x):
        s = self.pool(x)
        s = torch.relu(self.fc1(s))
        return x * nn.functional.hardsigmoid(self.fc2(s))


class InvertedResidual(nn.Module):
    def __init__(self, cin, hidden, cout, stride, se, act):
        super().__init__()
        self.expand = nn.Sequential(nn.Conv2d(cin, hidden, 1, bias=False), nn.BatchNorm2d(hidden), act())
        self.dw = nn.Sequential(nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False),
                                nn.BatchNorm2d(hidden), act())
        self.se = SqueezeExcite(hidden, hidden // 4) if se else nn.Identity()
        self.project = nn.Sequential(nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout))
        self.residual = stride == 1 and cin == cout

    def forward(self, x):
        y = self.project(self.se(self.dw(self.expand(x))))
        return x + y if self.residual else y


class TinyMobileNetV3(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.Hardswish())
        self.b1 = InvertedResidual(8, 16, 8, 1, True, nn.Hardswish)
        self.b2 = InvertedResidual(8, 24, 12, 2, False, nn.ReLU)
        self.b3 = InvertedResidual(12, 32, 12, 1, True, nn.Hardswish)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.down = nn.Conv2d(12, 16, 3, 2, 1)
        self.deconv = nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(6, 10)
        self.register_buffer("scale", torch.tensor([2], dtype=torch.int64))

    def forward(self, x):
        x = self.b3(self.b2(self.b1(self.stem(x))))      # [N, 12, 8, 8]
        x = self.up(x)                                     # Resize -> [N, 12, 16, 16]
        x = nn.functional.hardswish(self.down(x))          # [N, 16, 8, 8]
        x = self.deconv(x)                                 # ConvTranspose -> [N, 8, 16, 16]
        x = x[:, :6]                                       # Slice -> [N, 6, 16, 16]
        x = torch.squeeze(self.pool(x), 3).squeeze(2)      # Squeeze -> [N, 6]
        return self.fc(x) * self.scale.float()             # Cast of a constant


def main():
    torch.manual_seed(12)
    m = TinyMobileNetV3()
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, nn.BatchNorm2d):
                mod.running_mean.uniform_(-0.2, 0.2)
                mod.running_var.uniform_(0.5, 1.5)
                mod.weight.uniform_(0.5, 1.5)
                mod.bias.uniform_(-0.2, 0.2)
    m.eval()
    x = torch.randn(2, 3, 32, 32)
    kwargs = dict(input_names=["input"], output_names=["logits"], opset_version=14, do_constant_folding=False,
                  dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    try:
        torch.onnx.export(m, (x,), "mobilenetv3_tiny.onnx", dynamo=False, **kwargs)
    except TypeError:  # torch < 2.5 has no dynamo flag
        torch.onnx.export(m, (x,), "mobilenetv3_tiny.onnx", **kwargs)


if __name__ == "__main__":
    main()

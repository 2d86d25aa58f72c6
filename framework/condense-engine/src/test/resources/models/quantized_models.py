"""Generates the quantized ONNX fixtures of Condense (see docs/architecture.md, "OnnxImporter"):

quantized_mlp.onnx - weight-only quantization, which Condense imports (DequantizedWeights) and exports back:
  x[N,1,4,4] -> Flatten -> Gemm(DQ(fc1.weight_q int8 [8,16], per-channel axis 0, zero points 0),
  DQ(fc1.bias_q int32 [8], scalar scale), transB=1) -> Relu
  -> MatMul(DQ(fc2.weight_q uint8 [8,3], per-tensor, zero point 128)) -> Add(fc2.bias float [3]) -> y[N,3]

qlinear_conv.onnx - a fully quantized conv (activations too), which Condense refuses as already quantized:
  x[N,1,5,5] -> QuantizeLinear(uint8) -> QLinearConv(int8 weight [2,1,3,3], int32 bias) -> DequantizeLinear -> y

Both opset 13, IR version 8, seeded (numpy default_rng(13)), checked by onnx.checker.
Run: /usr/bin/python3 quantized_models.py   (Debian: python3-onnx, python3-numpy)
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(13)


def init(name, array):
    return numpy_helper.from_array(array, name)


def save(graph, path):
    model = helper.make_model(graph, producer_name="condense-fixture",
                              opset_imports=[helper.make_operatorsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path)


def quantized_mlp():
    w1 = rng.integers(-127, 128, size=(8, 16), dtype=np.int8)
    s1 = (rng.random(8, dtype=np.float32) * 0.01 + 0.002).astype(np.float32)
    b1 = rng.integers(-2000, 2000, size=(8,), dtype=np.int32)
    w2 = rng.integers(0, 256, size=(8, 3)).astype(np.uint8)
    b2 = (rng.standard_normal(3) * 0.1).astype(np.float32)
    inits = [
        init("fc1.weight_q", w1), init("fc1.weight_scale", s1), init("fc1.weight_zp", np.zeros(8, np.int8)),
        init("fc1.bias_q", b1), init("fc1.bias_scale", np.array(1e-4, np.float32)),
        init("fc2.weight_q", w2), init("fc2.weight_scale", np.array(0.01, np.float32)),
        init("fc2.weight_zp", np.array(128, np.uint8)), init("fc2.bias", b2),
    ]
    nodes = [
        helper.make_node("Flatten", ["x"], ["flat"], name="flatten", axis=1),
        helper.make_node("DequantizeLinear", ["fc1.weight_q", "fc1.weight_scale", "fc1.weight_zp"], ["fc1.weight"],
                         name="fc1.weight_dq", axis=0),
        helper.make_node("DequantizeLinear", ["fc1.bias_q", "fc1.bias_scale"], ["fc1.bias"], name="fc1.bias_dq"),
        helper.make_node("Gemm", ["flat", "fc1.weight", "fc1.bias"], ["h"], name="fc1", transB=1),
        helper.make_node("Relu", ["h"], ["a"], name="relu"),
        helper.make_node("DequantizeLinear", ["fc2.weight_q", "fc2.weight_scale", "fc2.weight_zp"], ["fc2.weight"],
                         name="fc2.weight_dq"),
        helper.make_node("MatMul", ["a", "fc2.weight"], ["m"], name="fc2"),
        helper.make_node("Add", ["m", "fc2.bias"], ["y"], name="fc2.add"),
    ]
    graph = helper.make_graph(nodes, "quantized-mlp",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 4, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])], inits)
    save(graph, "quantized_mlp.onnx")


def qlinear_conv():
    w = rng.integers(-127, 128, size=(2, 1, 3, 3), dtype=np.int8)
    inits = [
        init("x_scale", np.array(1 / 255, np.float32)), init("x_zp", np.array(0, np.uint8)),
        init("w_q", w), init("w_scale", np.array(0.01, np.float32)), init("w_zp", np.array(0, np.int8)),
        init("y_scale", np.array(0.05, np.float32)), init("y_zp", np.array(128, np.uint8)),
        init("b_q", np.array([100, -100], np.int32)),
    ]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "x_scale", "x_zp"], ["xq"], name="quantize_x"),
        helper.make_node("QLinearConv", ["xq", "x_scale", "x_zp", "w_q", "w_scale", "w_zp", "y_scale", "y_zp", "b_q"],
                         ["yq"], name="conv"),
        helper.make_node("DequantizeLinear", ["yq", "y_scale", "y_zp"], ["y"], name="dequantize_y"),
    ]
    graph = helper.make_graph(nodes, "qlinear-conv",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 5, 5])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2, 3, 3])], inits)
    save(graph, "qlinear_conv.onnx")


if __name__ == "__main__":
    quantized_mlp()
    qlinear_conv()

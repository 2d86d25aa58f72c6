"""One ONNX teacher from several: the mean of their logits (Hinton, Vinyals, Dean 2015, section 2: an ensemble is
the cumbersome model whose knowledge is distilled). Issue 17's Hinton rows use it to average MNIST 1200-1200 teachers.

Every model must take the same single input (name, element type, shape) and have its logits as its first output;
each model's node, initializer and value names get the prefix m<i>/ so the graphs cannot collide, their first
outputs are summed and divided by the model count, under the first model's output name. The result passes
onnx.checker and runs anywhere the members do (ONNX Runtime in the distill stage's teacher cache).
Needs Debian's python3-onnx (/usr/bin/python3), nothing else.

Usage: /usr/bin/python3 bench/ensemble_teacher.py OUT.onnx A.onnx B.onnx [...]
"""
import sys

import onnx
from onnx import helper


def ensemble(paths):
    models = [onnx.load(p) for p in paths]
    first = models[0].graph
    source = first.input[0]
    nodes, initializers, logits = [], [], []
    for i, model in enumerate(models):
        graph = model.graph
        if len(graph.input) != 1 or graph.input[0] != source:
            raise SystemExit(f"{paths[i]}: its input differs from {paths[0]}'s ({source.name})")

        def rename(name, i=i):
            return name if name in ("", source.name) else f"m{i}/{name}"

        for tensor in graph.initializer:
            tensor.name = rename(tensor.name)
            initializers.append(tensor)
        for node in graph.node:
            node.input[:] = [rename(n) for n in node.input]
            node.output[:] = [rename(n) for n in node.output]
            node.name = rename(node.name)
            nodes.append(node)
        logits.append(rename(graph.output[0].name))
    total = logits[0]
    for j, name in enumerate(logits[1:]):
        nodes.append(helper.make_node("Add", [total, name], [f"ensemble/sum{j}"]))
        total = f"ensemble/sum{j}"
    initializers.append(helper.make_tensor("ensemble/count", onnx.TensorProto.FLOAT, [], [float(len(models))]))
    nodes.append(helper.make_node("Div", [total, "ensemble/count"], [first.output[0].name]))
    graph = helper.make_graph(nodes, "ensemble", [source], [first.output[0]], initializers)
    result = helper.make_model(graph, opset_imports=models[0].opset_import, producer_name="bench/ensemble_teacher.py")
    result.ir_version = models[0].ir_version
    onnx.checker.check_model(result)
    return result


if __name__ == "__main__":
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    onnx.save(ensemble(sys.argv[2:]), sys.argv[1])
    print(f"wrote {sys.argv[1]}: the mean logits of {len(sys.argv) - 2} models")

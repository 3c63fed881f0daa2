"""Rewrites the bundled int8 BERT graph so every token row is quantized on its own.

The published int8 export quantizes each activation with ONE scale and zero point for the whole
[batch, tokens, hidden] tensor (DynamicQuantizeLinear). A text's vector then depends on the other
texts in its batch and on their padding (up to 3e-2 per component, measured). Here each
DynamicQuantizeLinear becomes the same asymmetric uint8 quantizer computed per row (per token):

    lo, hi     = min(min(x[b, t, :]), 0), max(max(x[b, t, :]), 0)
    scale[b,t] = max((hi - lo) / 255, 1e-12)
    z[b,t]     = round(-lo / scale[b,t])
    q[b,t,:]   = clip(round(x[b,t,:] / scale[b,t]) + z[b,t], 0, 255)      as uint8

onnxruntime's CPU MatMulInteger takes only a scalar zero point for its first input, so the product
is taken with zero point 0 and corrected in float, exactly (int32 sums, small integers):

    sum_k (q - z)(w - w_z) = MatMulInteger(q, w, 0, w_z) - z * colsum(w - w_z)

and the per-row scale flows into the rescale the graph already does after each product
(Mul(activation scale, weight scale) broadcasts as [b, t, 1] x [n]). The int8 weights, their
per-column zero points and every other node are kept: a row's result depends on that row only,
and the file stays the same size. A symmetric variant (zero point 128 for every row, no
correction) was measured too and lost far more accuracy (cosine 0.85 to fp32); see the notes.

With --embeddings FP32.onnx the word and position embedding tables, which the export quantizes
with one scale per table, are quantized again from the fp32 export's tables with one scale per
row (symmetric int8, a [rows, 1] float scale gathered beside each row): the same bytes per row,
and the largest single loss of accuracy against fp32 measured in the export.

Usage: python rowwise_quantize.py IN.onnx OUT.onnx [--embeddings FP32.onnx]
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def requantize_embeddings(model: onnx.ModelProto, fp32: onnx.ModelProto) -> None:
    graph = model.graph
    tables = {i.name: numpy_helper.to_array(i) for i in fp32.graph.initializer if i.name.endswith('embeddings.weight')}
    initializers = {i.name: i for i in graph.initializer}
    producers = {o: n for n in graph.node for o in n.output}
    nodes: list[onnx.NodeProto] = []
    for node in graph.node:
        source = producers.get(node.input[0]) if node.op_type == 'DequantizeLinear' else None
        table = source.input[0][:-len('_quantized')] if source is not None and source.op_type == 'Gather' else ''
        if table not in ('embeddings.word_embeddings.weight', 'embeddings.position_embeddings.weight'):
            nodes.append(node)
            continue
        w = tables[table]
        scale = np.maximum(np.abs(w).max(axis=1, keepdims=True) / 127, 1e-12).astype(np.float32)
        q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
        initializers[source.input[0]].CopyFrom(numpy_helper.from_array(q, source.input[0]))
        graph.initializer.append(numpy_helper.from_array(scale, table + '_row_scale'))
        out = node.output[0]
        nodes += [
            helper.make_node('Gather', [table + '_row_scale', source.input[1]], [out + '/row_scale']),
            helper.make_node('Cast', [node.input[0]], [out + '/float'], to=TensorProto.FLOAT),
            helper.make_node('Mul', [out + '/float', out + '/row_scale'], [out]),
        ]
    graph.ClearField('node')
    graph.node.extend(nodes)
    used = {i for n in graph.node for i in n.input}
    for init in [i for i in graph.initializer if i.name not in used]:
        graph.initializer.remove(init)


def rewrite(model: onnx.ModelProto) -> onnx.ModelProto:
    graph = model.graph
    opset = next(o.version for o in model.opset_import if o.domain in ('', 'ai.onnx'))
    consumers: dict[str, list[onnx.NodeProto]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    initializers = {i.name: i for i in graph.initializer}

    def const(name: str, value: np.ndarray) -> str:
        graph.initializer.append(numpy_helper.from_array(value, name))
        return name

    f0 = const('rowwise/f0', np.array(0, dtype=np.float32))
    f255 = const('rowwise/f255', np.array(255, dtype=np.float32))
    inv255 = const('rowwise/inv255', np.array(1 / 255, dtype=np.float32))
    tiny = const('rowwise/tiny', np.array(1e-12, dtype=np.float32))
    zp0 = const('rowwise/zp0', np.array(0, dtype=np.uint8))

    def reduce(op: str, x: str, out: str) -> onnx.NodeProto:
        # Reduce* take axes as an attribute up to opset 17, as an input from 18.
        if opset >= 18:
            return helper.make_node(op, [x, const(out + '/axes', np.array([-1], dtype=np.int64))], [out], keepdims=1)
        return helper.make_node(op, [x], [out], axes=[-1], keepdims=1)

    nodes: list[onnx.NodeProto] = []
    after: dict[str, list[onnx.NodeProto]] = {}  # nodes to insert right after the node producing a name
    rewritten = 0
    for node in graph.node:
        if node.op_type != 'DynamicQuantizeLinear':
            nodes.append(node)
            nodes.extend(after.pop(node.output[0], []) if node.output else [])
            continue
        x = node.input[0]
        q, scale, zp = node.output
        p = q + '/rowwise'
        nodes += [
            reduce('ReduceMax', x, p + '/max0'),
            reduce('ReduceMin', x, p + '/min0'),
            helper.make_node('Max', [p + '/max0', f0], [p + '/max']),
            helper.make_node('Min', [p + '/min0', f0], [p + '/min']),
            helper.make_node('Sub', [p + '/max', p + '/min'], [p + '/range']),
            helper.make_node('Mul', [p + '/range', inv255], [p + '/scale0']),
            helper.make_node('Max', [p + '/scale0', tiny], [scale]),
            helper.make_node('Div', [p + '/min', scale], [p + '/minq']),
            helper.make_node('Round', [p + '/minq'], [p + '/minr']),
            helper.make_node('Neg', [p + '/minr'], [p + '/zpf']),
            helper.make_node('Div', [x, scale], [p + '/scaled']),
            helper.make_node('Round', [p + '/scaled'], [p + '/rounded']),
            helper.make_node('Add', [p + '/rounded', p + '/zpf'], [p + '/shifted']),
            helper.make_node('Clip', [p + '/shifted', f0, f255], [p + '/clipped']),
            helper.make_node('Cast', [p + '/clipped'], [q], to=TensorProto.UINT8),
            helper.make_node('Identity', [zp0], [zp]),
        ]
        for matmul in consumers[q]:
            assert matmul.op_type == 'MatMulInteger', matmul.op_type
            w = numpy_helper.to_array(initializers[matmul.input[1]]).astype(np.int64)
            w_zp = numpy_helper.to_array(initializers[matmul.input[3]]).astype(np.int64)
            colsum = const(matmul.output[0] + '/colsum', (w - w_zp).sum(axis=0).astype(np.float32))
            cast = next(c for c in consumers[matmul.output[0]] if c.op_type == 'Cast')
            corrected = cast.output[0] + '/corrected'
            for user in consumers[cast.output[0]]:
                user.input[:] = [corrected if name == cast.output[0] else name for name in user.input]
            after[cast.output[0]] = [
                helper.make_node('Mul', [p + '/zpf', colsum], [corrected + '/term']),
                helper.make_node('Sub', [cast.output[0], corrected + '/term'], [corrected]),
            ]
        rewritten += 1
    assert rewritten > 0, 'no DynamicQuantizeLinear found: is this the int8 export?'
    assert not after, 'a correction found no place in the graph'
    graph.ClearField('node')
    graph.node.extend(nodes)
    model.producer_name = 'embedding-gateway scripts/model/rowwise_quantize.py'
    onnx.checker.check_model(model)
    return model


if __name__ == '__main__':
    source, target = sys.argv[1], sys.argv[2]
    model = onnx.load(source)
    if '--embeddings' in sys.argv:
        requantize_embeddings(model, onnx.load(sys.argv[sys.argv.index('--embeddings') + 1]))
    onnx.save(rewrite(model), target)

"""Quantizes the fp32 BERT export into an int8 graph whose rows (texts) are independent.

Every MatMul with a constant weight becomes an integer product with:
  - activations quantized per row (per token), asymmetric uint8, computed in the graph:
        lo, hi     = min(min(x[b, t, :]), 0), max(max(x[b, t, :]), 0)
        scale[b,t] = max((hi - lo) / 255, 1e-12),  z[b,t] = round(-lo / scale[b,t])
        q[b,t,:]   = clip(round(x[b,t,:] / scale[b,t]) + z[b,t], 0, 255)
  - weights quantized per output column, int8, symmetric (zero point 0) or asymmetric (one
    zero point per column, which MatMulInteger takes as its b_zero_point),
so a row's result depends on that row only: per-row scale x per-column scale is a broadcast Mul.
onnxruntime's CPU MatMulInteger takes only a scalar zero point for its first input, so the product
runs with zero point 0 and is corrected in float, exactly (int32 sums of small integers):
    sum_k (q - z)(w - w_z) = MatMulInteger(q, w, 0, w_z) - z * colsum(w - w_z)
Before that, with --smooth, each quantized activation is divided per channel by a constant
(SmoothQuant, scales from a calibration text file run through the fp32 graph) and the weights'
rows multiplied by it: BERT's activations have a few outlier channels that would otherwise set
every row's scale. The constant is the same for every text, so rows stay independent.
The word and position embedding tables are quantized per row (symmetric int8 with a float scale
per row, gathered beside it), or kept fp32 with --embeddings fp32. Everything else stays fp32.

Why not the published int8 graph: its weights are one scale per tensor in 7 bits (-64..64) and its
embedding tables one scale per table; measured against fp32 those cap the cosine well below 0.999
whatever is done to activations (see provenance.json and the notes).

Usage: python quantize.py FP32.onnx OUT.onnx [--weights symmetric|asymmetric]
       [--embeddings rows|fp32] [--keep-fp32 SUBSTRING ...]
       [--smooth CALIBRATION.txt --tokenizer TOKENIZER.json [--alpha 0.7]]
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

EMBEDDING_TABLES = ('embeddings.word_embeddings.weight', 'embeddings.position_embeddings.weight')


class Graph:
    """The graph being rewritten: its initializers and a few node-building helpers."""

    def __init__(self, model: onnx.ModelProto):
        self.graph = model.graph
        self.initializers = {i.name: i for i in self.graph.initializer}

    def const(self, name: str, value: np.ndarray) -> str:
        if name not in self.initializers:
            init = numpy_helper.from_array(value, name)
            self.graph.initializer.append(init)
            self.initializers[name] = init
        return name

    def array(self, name: str) -> np.ndarray | None:
        init = self.initializers.get(name)
        return None if init is None else numpy_helper.to_array(init)


def quantize_rows(g: Graph, x: str) -> tuple[list[onnx.NodeProto], str, str, str]:
    """Nodes quantizing x per row (last axis); returns (nodes, q, scale, zero point as float)."""
    p = x + '/rowwise'
    f0 = g.const('rowwise/f0', np.array(0, dtype=np.float32))
    f255 = g.const('rowwise/f255', np.array(255, dtype=np.float32))
    inv255 = g.const('rowwise/inv255', np.array(1 / 255, dtype=np.float32))
    tiny = g.const('rowwise/tiny', np.array(1e-12, dtype=np.float32))
    nodes = [  # Reduce* take axes as an attribute up to opset 17: the fp32 export is opset 11
        helper.make_node('ReduceMax', [x], [p + '/max0'], axes=[-1], keepdims=1),
        helper.make_node('ReduceMin', [x], [p + '/min0'], axes=[-1], keepdims=1),
        helper.make_node('Max', [p + '/max0', f0], [p + '/max']),
        helper.make_node('Min', [p + '/min0', f0], [p + '/min']),
        helper.make_node('Sub', [p + '/max', p + '/min'], [p + '/range']),
        helper.make_node('Mul', [p + '/range', inv255], [p + '/scale0']),
        helper.make_node('Max', [p + '/scale0', tiny], [p + '/scale']),
        helper.make_node('Div', [p + '/min', p + '/scale'], [p + '/minq']),
        helper.make_node('Round', [p + '/minq'], [p + '/minr']),
        helper.make_node('Neg', [p + '/minr'], [p + '/zpf']),
        helper.make_node('Div', [x, p + '/scale'], [p + '/scaled']),
        helper.make_node('Round', [p + '/scaled'], [p + '/rounded']),
        helper.make_node('Add', [p + '/rounded', p + '/zpf'], [p + '/shifted']),
        helper.make_node('Clip', [p + '/shifted', f0, f255], [p + '/clipped']),
        helper.make_node('Cast', [p + '/clipped'], [p + '/q'], to=TensorProto.UINT8),
    ]
    return nodes, p + '/q', p + '/scale', p + '/zpf'


def quantize_columns(w: np.ndarray, symmetric: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per output column int8: (q [K,N] int8, scale [N] float32, zero point [N] int8)."""
    if symmetric:
        scale = np.maximum(np.abs(w).max(axis=0) / 127, 1e-12)
        zp = np.zeros(w.shape[1], dtype=np.int64)
    else:
        lo, hi = np.minimum(w.min(axis=0), 0), np.maximum(w.max(axis=0), 0)
        scale = np.maximum((hi - lo) / 255, 1e-12)
        zp = np.clip(np.round(-128 - lo / scale), -128, 127).astype(np.int64)
    q = np.clip(np.round(w / scale) + zp, -128, 127)
    return q.astype(np.int8), scale.astype(np.float32), zp.astype(np.int8)


def quantize_matmul(g: Graph, node: onnx.NodeProto, activation: tuple[str, str, str], symmetric: bool,
                    smoothing: np.ndarray | None) -> list[onnx.NodeProto]:
    q, row_scale, row_zp = activation
    out = node.output[0]
    w = g.array(node.input[1]).astype(np.float64)
    wq, col_scale, col_zp = quantize_columns(w if smoothing is None else w * smoothing[:, None], symmetric)
    colsum = (wq.astype(np.int64) - col_zp.astype(np.int64)).sum(axis=0).astype(np.float32)
    name = node.input[1]
    zp0 = g.const('rowwise/zp0', np.array(0, dtype=np.uint8))
    b_zp = g.const(name + '/zero_point', np.array(0, dtype=np.int8) if symmetric else col_zp)
    return [
        helper.make_node('MatMulInteger', [q, g.const(name + '/quantized', wq), zp0, b_zp], [out + '/int']),
        helper.make_node('Cast', [out + '/int'], [out + '/float'], to=TensorProto.FLOAT),
        helper.make_node('Mul', [row_zp, g.const(name + '/colsum', colsum)], [out + '/zp_term']),
        helper.make_node('Sub', [out + '/float', out + '/zp_term'], [out + '/centered']),
        helper.make_node('Mul', [out + '/centered', g.const(name + '/scale', col_scale)], [out + '/col_scaled']),
        helper.make_node('Mul', [out + '/col_scaled', row_scale], [out]),
    ]


def quantize_embedding(g: Graph, node: onnx.NodeProto) -> list[onnx.NodeProto]:
    table, ids = node.input
    w = g.array(table)
    scale = np.maximum(np.abs(w).max(axis=1, keepdims=True) / 127, 1e-12).astype(np.float32)
    q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
    out = node.output[0]
    return [
        helper.make_node('Gather', [g.const(table + '/quantized', q), ids], [out + '/int']),
        helper.make_node('Gather', [g.const(table + '/row_scale', scale), ids], [out + '/row_scale']),
        helper.make_node('Cast', [out + '/int'], [out + '/float'], to=TensorProto.FLOAT),
        helper.make_node('Mul', [out + '/float', out + '/row_scale'], [out]),
    ]


def weighted_matmuls(g: Graph, keep_fp32: list[str]) -> list[onnx.NodeProto]:
    """The MatMuls with a constant 2-D weight, bar those kept fp32."""
    return [n for n in g.graph.node if n.op_type == 'MatMul' and n.input[1] in g.initializers
            and g.array(n.input[1]).ndim == 2 and not any(k in n.name for k in keep_fp32)]


def activation_ranges(model: onnx.ModelProto, names: list[str], calibration: list[list[int]]) -> dict[str, np.ndarray]:
    """Largest |x| per channel of each named activation over the calibration texts (one per run)."""
    import onnxruntime as ort
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    probe.graph.output.extend(helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in names)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    sess = ort.InferenceSession(probe.SerializeToString(), options, providers=['CPUExecutionProvider'])
    ranges = {n: np.zeros(0, dtype=np.float32) for n in names}
    for ids in calibration:
        feed = np.array([ids], dtype=np.int64)
        outputs = sess.run(names, {'input_ids': feed, 'attention_mask': np.ones_like(feed), 'token_type_ids': np.zeros_like(feed)})
        for n, x in zip(names, outputs):
            m = np.abs(x.reshape(-1, x.shape[-1])).max(axis=0)
            ranges[n] = m if ranges[n].size == 0 else np.maximum(ranges[n], m)
    # Three significant digits: another machine's float rounding in the probe run then still
    # gives the same smoothing scales, hence the same bytes.
    return {n: round_significant(r.astype(np.float64), 3) for n, r in ranges.items()}


def round_significant(a: np.ndarray, digits: int) -> np.ndarray:
    step = np.power(10.0, np.floor(np.log10(np.maximum(a, 1e-30))) - digits + 1)
    return np.round(a / step) * step


def smoothing(g: Graph, matmuls: list[onnx.NodeProto], ranges: dict[str, np.ndarray], alpha: float) -> dict[str, np.ndarray]:
    """SmoothQuant: per input channel k, s_k = amax(x_k)^alpha / amax(W_k)^(1 - alpha). x / s has
    far smaller outlier channels, so one scale per row loses less; W * s absorbs them, and the
    product is unchanged in exact arithmetic. s is a constant: rows stay independent."""
    scales = {}
    for x in dict.fromkeys(n.input[0] for n in matmuls):
        w = np.concatenate([g.array(n.input[1]) for n in matmuls if n.input[0] == x], axis=1)
        s = np.power(np.maximum(ranges[x], 1e-5), alpha) / np.power(np.maximum(np.abs(w).max(axis=1), 1e-5), 1 - alpha)
        scales[x] = np.clip(s, 1e-2, 1e2).astype(np.float64)
    return scales


def quantize(model: onnx.ModelProto, symmetric: bool, embedding_rows: bool, keep_fp32: list[str],
             calibration: list[list[int]] | None, alpha: float) -> onnx.ModelProto:
    g = Graph(model)
    matmuls = weighted_matmuls(g, keep_fp32)
    smooth = {}
    if calibration:
        smooth = smoothing(g, matmuls, activation_ranges(model, list(dict.fromkeys(n.input[0] for n in matmuls)), calibration), alpha)
    chosen = {id(n) for n in matmuls}
    activations: dict[str, tuple[str, str, str]] = {}  # Q, K and V share one quantized input
    nodes: list[onnx.NodeProto] = []
    for node in g.graph.node:
        if id(node) in chosen:
            x = node.input[0]
            if x not in activations:
                if x in smooth:
                    nodes.append(helper.make_node('Mul', [x, g.const(x + '/inverse_smoothing', (1 / smooth[x]).astype(np.float32))], [x + '/smoothed']))
                quantizer, *activation = quantize_rows(g, x + '/smoothed' if x in smooth else x)
                nodes += quantizer
                activations[x] = tuple(activation)
            nodes += quantize_matmul(g, node, activations[x], symmetric, smooth.get(x))
        elif embedding_rows and node.op_type == 'Gather' and node.input[0] in EMBEDDING_TABLES:
            nodes += quantize_embedding(g, node)
        else:
            nodes.append(node)
    assert matmuls, 'no MatMul with a constant weight: is this the fp32 export?'
    g.graph.ClearField('node')
    g.graph.node.extend(nodes)
    used = {i for n in g.graph.node for i in n.input}
    for init in [i for i in g.graph.initializer if i.name not in used]:
        g.graph.initializer.remove(init)
    model.producer_name = 'embedding-gateway scripts/model/quantize.py'
    onnx.checker.check_model(model)
    return model


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    parser.add_argument('source')
    parser.add_argument('target')
    parser.add_argument('--weights', choices=['symmetric', 'asymmetric'], default='asymmetric')
    parser.add_argument('--embeddings', choices=['rows', 'fp32'], default='rows')
    parser.add_argument('--keep-fp32', nargs='*', default=[], help='MatMul node names containing any of these stay fp32')
    parser.add_argument('--smooth', metavar='CALIBRATION.txt', help='SmoothQuant scales from these texts (one a line)')
    parser.add_argument('--tokenizer', help='tokenizer.json, to tokenize the calibration texts')
    parser.add_argument('--alpha', type=float, default=0.7)
    args = parser.parse_args()
    calibration = None
    if args.smooth:
        from tokenizers import Tokenizer
        tok = Tokenizer.from_file(args.tokenizer)
        tok.enable_truncation(512)
        texts = [t for t in open(args.smooth, encoding='utf-8').read().splitlines() if t.strip()]
        calibration = [e.ids for e in tok.encode_batch(texts)]
    out = quantize(onnx.load(args.source), args.weights == 'symmetric', args.embeddings == 'rows', args.keep_fp32,
                   calibration, args.alpha)
    onnx.save(out, args.target)

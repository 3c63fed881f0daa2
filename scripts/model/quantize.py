"""Quantizes the fp32 BERT export into an int8 graph whose rows (texts) are independent.

Every MatMul with a constant weight (x W, with the bias Add after it) becomes an integer product:
  - activations quantized per row (per token), uint8, computed in the graph:
        lo, hi     = min(min(x[b, t, :]), 0), max(max(x[b, t, :]), 0)
        scale[b,t] = max((hi - lo) / 255, 1e-12)
        q[b,t,:]   = round((x[b,t,:] - lo) / scale[b,t])      (in [0, 255]: no clip needed)
    The zero point -lo / scale is left exact, not rounded to an integer: x = scale * q + lo to
    within half a step, so there is no zero-point arithmetic in the graph;
  - weights quantized per output column, int8, symmetric (zero point 0) or asymmetric (one
    zero point per column),
so a row's result depends on that row only. With W' the dequantized weights:
    x W + bias = scale * (q W') + lo * colsum(W') + bias
               = scale * MatMulIntegerToFloat(q, Wq) + [lo, 1] . [colsum(W'); bias]
onnxruntime's MatMulIntegerToFloat (com.microsoft, CPU) takes a scale and zero point per weight
column but one scalar activation scale, so it runs with activation scale 1 and zero point 0 and
the row scale follows as a broadcast Mul; the second term is one small MatMul per product, which
also replaces the bias Add that followed the fp32 MatMul. MatMuls that read the same input (an
attention layer's Q, K and V) run as one product on their concatenated weights, then a Split.
Before quantizing, with --smooth, each activation is divided per channel by a constant
(SmoothQuant, scales from a calibration text file run through the fp32 graph) and the weights'
rows multiplied by it: BERT's activations have a few outlier channels that would otherwise set
every row's scale. The constant is the same for every text, so rows stay independent. For the
attention context (probs . V, the input of attention/output/dense) the division costs no Mul:
it is folded into V's weight columns and bias.
The word and position embedding tables are quantized per row (symmetric int8 with a float scale
per row, gathered beside it), or kept fp32 with --embeddings fp32. Everything else stays fp32.

With --static (a measured alternative, not the bundled graph), an activation gets one fixed
scale and zero point from the calibration texts' extremes instead of per-row ones: one
QuantizeLinear per input and one MatMulIntegerToFloat (bias included) per product, far fewer
kernels, rows still independent; but values beyond the calibrated range are clipped, so accuracy
depends on how much the calibration texts cover. --rowwise keeps chosen inputs per row.

Why not the published int8 graph: its weights are one scale per tensor in 7 bits (-64..64) and its
embedding tables one scale per table; measured against fp32 those cap the cosine well below 0.999
whatever is done to activations (see provenance.json and the notes).

Usage: python quantize.py FP32.onnx OUT.onnx [--weights symmetric|asymmetric]
       [--embeddings rows|fp32] [--keep-fp32 SUBSTRING ...]
       [--smooth CALIBRATION.txt --tokenizer TOKENIZER.json [--alpha 0.7]
        [--static [--rowwise SUBSTRING ...]]]
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

    def set(self, name: str, value: np.ndarray) -> None:
        self.initializers[name].CopyFrom(numpy_helper.from_array(value, name))

    def array(self, name: str) -> np.ndarray | None:
        init = self.initializers.get(name)
        return None if init is None else numpy_helper.to_array(init)


def quantize_rows(g: Graph, x: str) -> tuple[list[onnx.NodeProto], str, str, str]:
    """Nodes quantizing x per row (last axis); returns (nodes, q, scale, [lo, 1] per row).

    The zero point stays exact (-lo / scale, not rounded): x = scale * q + lo to within half a
    step, so the product's correction is lo * colsum(W), which needs no integer zero point."""
    p = x + '/rowwise'
    f0 = g.const('rowwise/f0', np.array(0, dtype=np.float32))
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
        # (x - lo) / scale lies in [0, 255]: no clip before the cast
        helper.make_node('Sub', [x, p + '/min'], [p + '/shifted']),
        helper.make_node('Div', [p + '/shifted', p + '/scale'], [p + '/scaled']),
        helper.make_node('Round', [p + '/scaled'], [p + '/rounded']),
        helper.make_node('Cast', [p + '/rounded'], [p + '/q'], to=TensorProto.UINT8),
        # [lo, 1] per row: lo * colsum(W) + bias becomes one small MatMul (scale / scale is 1)
        helper.make_node('Div', [p + '/scale', p + '/scale'], [p + '/one']),
        helper.make_node('Concat', [p + '/min', p + '/one'], [p + '/min_one'], axis=-1),
    ]
    return nodes, p + '/q', p + '/scale', p + '/min_one'


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


def quantize_matmul(g: Graph, name: str, w: np.ndarray, bias: np.ndarray, out: str,
                    activation: tuple[str, str, str], symmetric: bool) -> list[onnx.NodeProto]:
    """x W + bias, x quantized per row and W per column, in four kernels:
        out = scale * MatMulIntegerToFloat(q, Wq) + [lo, 1] . [colsum(W); bias]
    onnxruntime's MatMulIntegerToFloat (com.microsoft, CPU) takes a weight scale and zero point
    per column but one scalar activation scale, so it runs with scale 1 and zero point 0 and
    the row scale follows as a broadcast Mul."""
    q, row_scale, min_one = activation
    wq, col_scale, col_zp = quantize_columns(w, symmetric)
    colsum = (wq.astype(np.int64) - col_zp.astype(np.int64)).sum(axis=0) * col_scale.astype(np.float64)
    offsets = np.stack([colsum, bias.astype(np.float64)]).astype(np.float32)
    zp0 = g.const('rowwise/zp0', np.array(0, dtype=np.uint8))
    one = g.const('rowwise/unit_scale', np.array(1, dtype=np.float32))
    b_zp = g.const(name + '/zero_point', np.array(0, dtype=np.int8) if symmetric else col_zp)
    return [
        helper.make_node('MatMulIntegerToFloat', [q, g.const(name + '/quantized', wq), one, g.const(name + '/scale', col_scale), zp0, b_zp],
                         [out + '/unscaled'], domain='com.microsoft'),
        helper.make_node('Mul', [out + '/unscaled', row_scale], [out + '/scaled']),
        helper.make_node('MatMul', [min_one, g.const(name + '/offsets', offsets)], [out + '/offset']),
        helper.make_node('Add', [out + '/scaled', out + '/offset'], [out]),
    ]


def quantize_static_matmul(g: Graph, name: str, w: np.ndarray, bias: np.ndarray, out: str,
                           activation: tuple[str, str, str], symmetric: bool) -> list[onnx.NodeProto]:
    """x W + bias for a statically quantized x: one MatMulIntegerToFloat with the bias."""
    q, scale, zp = activation
    wq, col_scale, col_zp = quantize_columns(w, symmetric)
    b_zp = g.const(name + '/zero_point', np.array(0, dtype=np.int8) if symmetric else col_zp)
    return [helper.make_node('MatMulIntegerToFloat', [q, g.const(name + '/quantized', wq), scale, g.const(name + '/scale', col_scale), zp, b_zp,
                                                     g.const(name + '/bias', bias.astype(np.float32))], [out], domain='com.microsoft')]


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


def channel_extremes(model: onnx.ModelProto, names: list[str], calibration: list[list[int]]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Smallest and largest x per channel of each named activation over the calibration texts (one per run)."""
    import onnxruntime as ort
    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    probe.graph.output.extend(helper.make_tensor_value_info(n, TensorProto.FLOAT, None) for n in names)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    sess = ort.InferenceSession(probe.SerializeToString(), options, providers=['CPUExecutionProvider'])
    lows: dict[str, np.ndarray] = {}
    highs: dict[str, np.ndarray] = {}
    for ids in calibration:
        feed = np.array([ids], dtype=np.int64)
        outputs = sess.run(names, {'input_ids': feed, 'attention_mask': np.ones_like(feed), 'token_type_ids': np.zeros_like(feed)})
        for n, x in zip(names, outputs):
            rows = x.reshape(-1, x.shape[-1])
            lo, hi = rows.min(axis=0), rows.max(axis=0)
            lows[n] = lo if n not in lows else np.minimum(lows[n], lo)
            highs[n] = hi if n not in highs else np.maximum(highs[n], hi)
    return {n: (lows[n], highs[n]) for n in names}


# Three significant digits: another machine's float rounding in the probe run then still gives
# the same smoothing scales and static ranges, hence the same bytes.
def activation_ranges(extremes: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
    """Largest |x| per channel."""
    return {n: round_significant(np.maximum(np.abs(lo), np.abs(hi)).astype(np.float64), 3) for n, (lo, hi) in extremes.items()}


def signed_extremes(extremes: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Smallest and largest x per channel."""
    sig = lambda a: np.sign(a) * round_significant(np.abs(a).astype(np.float64), 3)
    return {n: (sig(lo), sig(hi)) for n, (lo, hi) in extremes.items()}


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


def consumers_of(graph: onnx.GraphProto) -> dict[str, list[onnx.NodeProto]]:
    """The nodes reading each value."""
    consumers: dict[str, list[onnx.NodeProto]] = {}
    for n in graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    return consumers


def bias_name(g: Graph, add: onnx.NodeProto) -> str:
    """The constant bias a bias Add (see bias_of) adds."""
    return next(i for i in add.input if i in g.initializers)


def bias_of(g: Graph, consumers: dict[str, list[onnx.NodeProto]], node: onnx.NodeProto) -> onnx.NodeProto | None:
    """The Add of a constant bias that alone reads this MatMul's output, if there is one."""
    readers = consumers.get(node.output[0], [])
    if len(readers) != 1 or readers[0].op_type != 'Add':
        return None
    other = [i for i in readers[0].input if i != node.output[0]]
    return readers[0] if len(other) == 1 and other[0] in g.initializers else None


def fold_context_smoothing(g: Graph, consumers: dict[str, list[onnx.NodeProto]], matmuls: list[onnx.NodeProto],
                           smooth: dict[str, np.ndarray]) -> set[str]:
    """Attention's context (the input of attention/output/dense) is probs . V, linear in V's
    channels: dividing V's weight columns and bias by the context's smoothing scale gives the
    smoothed context with no Mul in the graph. Returns the activations so folded."""
    folded = set()
    by_name = {n.name: n for n in matmuls}
    for dense in matmuls:
        if not dense.name.endswith('/attention/output/dense/MatMul') or dense.input[0] not in smooth:
            continue
        value = by_name.get(dense.name.replace('/attention/output/dense/MatMul', '/attention/self/value/MatMul'))
        add = value and bias_of(g, consumers, value)
        if value is None or add is None:
            continue
        s = smooth[dense.input[0]]
        w_name = value.input[1]
        b_name = bias_name(g, add)
        g.set(w_name, (g.array(w_name).astype(np.float64) / s[None, :]).astype(np.float32))
        g.set(b_name, (g.array(b_name).astype(np.float64) / s).astype(np.float32))
        folded.add(dense.input[0])
    return folded


def static_site(g: Graph, x: str, source: str, extremes: tuple[np.ndarray, np.ndarray], s: np.ndarray | None) -> tuple[list[onnx.NodeProto], str, str, str]:
    """One QuantizeLinear with a fixed scale and zero point from the calibration texts' extremes of
    the smoothed activation; returns (nodes, q, scale, zero point). Rows stay independent (the
    constants are the same for every text), but values past the calibrated range are clipped."""
    lows, highs = extremes
    div = s if s is not None else np.ones_like(lows)
    lo, hi = min(float((lows / div).min()), 0.0), max(float((highs / div).max()), 0.0)
    scale = max((hi - lo) / 255, 1e-12)
    sc = g.const(x + '/static_scale', np.array(scale, dtype=np.float32))
    zp = g.const(x + '/static_zero_point', np.array(int(np.clip(np.round(-lo / scale), 0, 255)), dtype=np.uint8))
    return [helper.make_node('QuantizeLinear', [source, sc, zp], [x + '/static_q'])], x + '/static_q', sc, zp


def quantize(model: onnx.ModelProto, symmetric: bool, embedding_rows: bool, keep_fp32: list[str],
             calibration: list[list[int]] | None, alpha: float, static: bool = False,
             rowwise: list[str] | None = None) -> onnx.ModelProto:
    g = Graph(model)
    matmuls = weighted_matmuls(g, keep_fp32)
    assert matmuls, 'no MatMul with a constant weight: is this the fp32 export?'
    smooth, extremes = {}, {}
    if calibration:
        measured = channel_extremes(model, list(dict.fromkeys(n.input[0] for n in matmuls)), calibration)
        smooth = smoothing(g, matmuls, activation_ranges(measured), alpha)
        extremes = signed_extremes(measured) if static else {}
    # Folding changes initializers only: who reads what stays as it was.
    consumers = consumers_of(g.graph)
    folded = fold_context_smoothing(g, consumers, matmuls, smooth)
    # MatMuls reading one input (Q, K and V) run as one product on their concatenated weights,
    # each taking its bias along; a Split hands each its columns under its bias Add's name.
    groups: dict[str, list[onnx.NodeProto]] = {}
    for n in matmuls:
        groups.setdefault(n.input[0], []).append(n)
    chosen = {id(n): groups[n.input[0]] for n in matmuls}
    absorbed = {id(bias_of(g, consumers, n)) for n in matmuls} - {id(None)}
    nodes: list[onnx.NodeProto] = []
    for node in g.graph.node:
        if id(node) in absorbed:
            continue
        if id(node) not in chosen:
            if embedding_rows and node.op_type == 'Gather' and node.input[0] in EMBEDDING_TABLES:
                nodes += quantize_embedding(g, node)
            else:
                nodes.append(node)
            continue
        group = chosen[id(node)]
        if node is not group[0]:
            continue
        x = node.input[0]
        s = smooth.get(x)
        source = x
        if s is not None and x not in folded:
            source = x + '/smoothed'
            nodes.append(helper.make_node('Mul', [x, g.const(x + '/inverse_smoothing', (1 / s).astype(np.float32))], [source]))
        fixed = static and not any(k in node.name for k in rowwise or [])
        quantizer, *activation = static_site(g, x, source, extremes[x], s) if fixed else quantize_rows(g, source)
        nodes += quantizer
        weights, biases, outputs = [], [], []
        for n in group:
            w = g.array(n.input[1]).astype(np.float64)
            weights.append(w if s is None else w * s[:, None])
            add = bias_of(g, consumers, n)
            if add is None:
                biases.append(np.zeros(w.shape[1]))
                outputs.append(n.output[0])
            else:
                biases.append(g.array(bias_name(g, add)).astype(np.float64))
                outputs.append(add.output[0])
        fused = outputs[0] if len(group) == 1 else x + '/fused_product'
        product = quantize_static_matmul if fixed else quantize_matmul
        nodes += product(g, node.input[1], np.concatenate(weights, axis=1), np.concatenate(biases), fused, tuple(activation), symmetric)
        if len(group) > 1:
            nodes.append(helper.make_node('Split', [fused], outputs, axis=-1, split=[w.shape[1] for w in weights]))
    g.graph.ClearField('node')
    g.graph.node.extend(nodes)
    used = {i for n in g.graph.node for i in n.input}
    for init in [i for i in g.graph.initializer if i.name not in used]:
        g.graph.initializer.remove(init)
    if not any(o.domain == 'com.microsoft' for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid('com.microsoft', 1))
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
    parser.add_argument('--static', action='store_true', help='fixed activation scales from the calibration texts (needs --smooth)')
    parser.add_argument('--rowwise', nargs='*', default=[], help='with --static, MatMul node names containing any of these keep per-row activations')
    args = parser.parse_args()
    if args.static and not args.smooth:
        parser.error('--static takes its ranges from the calibration texts: give --smooth')
    calibration = None
    if args.smooth:
        from tokenizers import Tokenizer
        tok = Tokenizer.from_file(args.tokenizer)
        tok.enable_truncation(512)
        texts = [t for t in open(args.smooth, encoding='utf-8').read().splitlines() if t.strip()]
        calibration = [e.ids for e in tok.encode_batch(texts)]
    out = quantize(onnx.load(args.source), args.weights == 'symmetric', args.embeddings == 'rows', args.keep_fp32,
                   calibration, args.alpha, args.static, args.rowwise)
    onnx.save(out, args.target)

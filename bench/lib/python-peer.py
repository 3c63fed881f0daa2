"""The Python peer of bench/batched-vs-python.bench.ts: tokenizers + onnxruntime on the same model
file, in length-sorted batches, CLS pooled and normalised, as a Python service would do it.

Reads one JSON request per line on stdin, {"texts": [...], "batch": N}, embeds the texts
(tokenizing included) and answers {"ms": elapsed} on stdout. onnxruntime's session options are
its defaults (all cores for one run), as such a service would use them.
"""
import json
import sys
import time

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

model_dir = sys.argv[1]
tokenizer = Tokenizer.from_file(f'{model_dir}/tokenizer.json')
tokenizer.enable_truncation(512)
session = ort.InferenceSession(f'{model_dir}/onnx/model_quantized.onnx', providers=['CPUExecutionProvider'])
names = [i.name for i in session.get_inputs()]


def embed(texts: list[str], batch: int) -> np.ndarray:
    encoded = [e.ids for e in tokenizer.encode_batch(texts)]
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
    out = np.zeros((len(texts), 512), dtype=np.float32)
    for start in range(0, len(order), batch):
        idx = order[start:start + batch]
        width = max(len(encoded[i]) for i in idx)
        ids = np.zeros((len(idx), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, i in enumerate(idx):
            ids[row, :len(encoded[i])] = encoded[i]
            mask[row, :len(encoded[i])] = 1
        feeds = {'input_ids': ids, 'attention_mask': mask}
        if 'token_type_ids' in names:
            feeds['token_type_ids'] = np.zeros_like(ids)
        cls = session.run(None, feeds)[0][:, 0, :]
        out[idx] = cls / np.linalg.norm(cls, axis=1, keepdims=True)
    return out


print(json.dumps({'ready': True}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    start = time.perf_counter()
    embed(request['texts'], request['batch'])
    print(json.dumps({'ms': (time.perf_counter() - start) * 1000}), flush=True)

"""Judges candidate graphs against the fp32 export and the current int8 one.

For every graph: cosine per text to fp32 and to the reference int8 graph (texts embedded one by
one), the largest change of any vector component when the same texts run in length-sorted
batches, and texts/s one by one vs batched at each uniform length (one intra-op thread, as an
inference worker runs).

Usage: python evaluate.py CORPUS.json TOKENIZER.json FP32.onnx INT8.onnx CANDIDATE.onnx...
       [--speed] [--texts N]
"""
import argparse
import json
import time

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer


def session(path: str, threads: int = 1) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(path, options, providers=['CPUExecutionProvider'])


def run(sess: ort.InferenceSession, seqs: list[list[int]]) -> np.ndarray:
    width = max(len(s) for s in seqs)
    ids = np.zeros((len(seqs), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for b, s in enumerate(seqs):
        ids[b, :len(s)] = s
        mask[b, :len(s)] = 1
    feeds = {'input_ids': ids, 'attention_mask': mask}
    if 'token_type_ids' in [i.name for i in sess.get_inputs()]:
        feeds['token_type_ids'] = np.zeros_like(ids)
    cls = sess.run(None, feeds)[0][:, 0, :]
    return cls / np.linalg.norm(cls, axis=1, keepdims=True)


def one_by_one(sess, seqs):
    return np.concatenate([run(sess, [s]) for s in seqs])


def batched(sess, seqs, size):
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    out = np.zeros((len(seqs), 512), dtype=np.float32)
    for start in range(0, len(order), size):
        idx = order[start:start + size]
        out[idx] = run(sess, [seqs[i] for i in idx])
    return out


def texts_per_second(fn, seqs, min_seconds=1.5):
    fn(seqs[:8])  # warm
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < min_seconds:
        fn(seqs)
        count += len(seqs)
    return count / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('corpus')
    parser.add_argument('tokenizer')
    parser.add_argument('fp32')
    parser.add_argument('int8')
    parser.add_argument('candidates', nargs='+')
    parser.add_argument('--speed', action='store_true')
    parser.add_argument("--skip-int8", action="store_true")
    parser.add_argument('--texts', type=int, default=64, help='texts per uniform corpus for accuracy')
    args = parser.parse_args()

    tok = Tokenizer.from_file(args.tokenizer)
    tok.enable_truncation(512)
    corpora = json.load(open(args.corpus))
    seqs = {name: [e.ids for e in tok.encode_batch(texts)] for name, texts in corpora.items()}
    accuracy = seqs['mixed'] + [s for name, v in seqs.items() if name != 'mixed' for s in v[:args.texts]]
    print(f'accuracy set: {len(accuracy)} texts, {sum(map(len, accuracy))} tokens')

    fp32 = one_by_one(session(args.fp32), accuracy)
    int8 = one_by_one(session(args.int8), accuracy)
    report = {}
    for path in ([] if args.skip_int8 else [args.int8]) + args.candidates:
        sess = session(path)
        alone = int8 if path == args.int8 else one_by_one(sess, accuracy)
        cos32 = (alone * fp32).sum(1)
        cos8 = (alone * int8).sum(1)
        drift = {size: float(np.abs(batched(sess, accuracy, size) - alone).max()) for size in (8, 32)}
        row = {'cos_fp32_mean': float(cos32.mean()), 'cos_fp32_min': float(cos32.min()),
               'cos_int8_mean': float(cos8.mean()), 'cos_int8_min': float(cos8.min()),
               'batch_drift_b8': drift[8], 'batch_drift_b32': drift[32]}
        print(path, json.dumps(row))
        report[path] = row
        if args.speed:
            for name, v in seqs.items():
                if name == 'mixed':
                    continue
                alone_tps = texts_per_second(lambda s: [run(sess, [x]) for x in s], v[:32])
                b8 = texts_per_second(lambda s: batched(sess, s, 8), v[:64])
                b32 = texts_per_second(lambda s: batched(sess, s, 32), v[:64])
                print(f'  {name}: one-by-one {alone_tps:.0f}/s, b8 {b8:.0f}/s ({b8 / alone_tps:.2f}x), b32 {b32:.0f}/s ({b32 / alone_tps:.2f}x)')
    return report


if __name__ == '__main__':
    main()

// Padding and pooling for BERT-style sequences, shared by the inference worker, the main-thread
// runtime and the benchmark floor. Plain JavaScript so the worker can load it without a compiler.

/** Right-padded int64 ids and attention mask for a batch of token-id sequences. */
export function padSequences(sequences) {
  const batch = sequences.length;
  const width = Math.max(...sequences.map((s) => s.length));
  const ids = new BigInt64Array(batch * width);
  const mask = new BigInt64Array(batch * width);
  sequences.forEach((seq, b) => {
    for (let t = 0; t < seq.length; t++) {
      ids[b * width + t] = BigInt(seq[t]);
      mask[b * width + t] = 1n;
    }
  });
  return { ids, mask, typeIds: new BigInt64Array(batch * width), dims: [batch, width], width };
}

/** CLS takes the first token's state; mean averages the states of the real (unpadded) tokens. */
export function poolRow(states, row, width, hidden, length, pooling) {
  const base = row * width * hidden;
  if (pooling === 'cls') return states.slice(base, base + hidden);
  const out = new Float32Array(hidden);
  for (let t = 0; t < length; t++) {
    const offset = base + t * hidden;
    for (let h = 0; h < hidden; h++) out[h] += states[offset + h];
  }
  for (let h = 0; h < hidden; h++) out[h] /= length;
  return out;
}

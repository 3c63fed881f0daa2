// A cached vector as bytes: a small header (token count, truncated flag) then the values as
// little-endian float32. Stores keep bytes; only this file knows the layout.
export interface CachedVector {
  values: Float32Array;
  tokens: number;
  truncated: boolean;
}

const VERSION = 1;
const HEADER = 8;

export function encodeVector(vector: CachedVector): Uint8Array {
  const bytes = new Uint8Array(HEADER + vector.values.length * 4);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, VERSION);
  view.setUint8(1, vector.truncated ? 1 : 0);
  view.setUint32(4, vector.tokens, true);
  for (let i = 0; i < vector.values.length; i++) view.setFloat32(HEADER + i * 4, vector.values[i]!, true);
  return bytes;
}

/** Undefined for bytes this version cannot read: a miss, never an error. */
export function decodeVector(bytes: Uint8Array): CachedVector | undefined {
  if (bytes.length < HEADER || (bytes.length - HEADER) % 4 !== 0) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== VERSION) return undefined;
  const values = new Float32Array((bytes.length - HEADER) / 4);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(HEADER + i * 4, true);
  return { values, tokens: view.getUint32(4, true), truncated: view.getUint8(1) === 1 };
}

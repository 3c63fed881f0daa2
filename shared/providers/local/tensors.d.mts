export interface PaddedBatch {
  ids: BigInt64Array;
  mask: BigInt64Array;
  typeIds: BigInt64Array;
  dims: [number, number];
  width: number;
}
export function padSequences(sequences: number[][]): PaddedBatch;
export function poolRow(states: Float32Array, row: number, width: number, hidden: number, length: number, pooling: 'cls' | 'mean'): Float32Array;

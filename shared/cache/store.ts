// The shared (L2) store every instance reads: one round trip for a batch of gets, one for a
// batch of sets. Implementations throw on any failure; the tiered cache decides what that means.
export interface StoreEntry {
  key: string;
  value: Uint8Array;
}

export interface L2Store {
  readonly kind: 'firestore' | 'redis';
  /** One value (or undefined for a miss or an expired entry) per key, in order. */
  getMany(keys: string[]): Promise<(Uint8Array | undefined)[]>;
  /** Writes every entry with the store's TTL. */
  setMany(entries: StoreEntry[]): Promise<void>;
  /** A cheap round trip, for /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

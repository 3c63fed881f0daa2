// A value loaded on first use (a heavy module, a client, a connection) and shared by every
// caller. A failed load is forgotten, so the next call tries again: a transient error at
// start-up must not stick for the life of the process.

export interface Lazy<T> {
  (): Promise<T>;
  /** The load started so far, if any, without starting one (to close only what was opened). */
  started(): Promise<T> | undefined;
  /** True once a load has succeeded. */
  loaded(): boolean;
}

export function lazy<T>(load: () => Promise<T>): Lazy<T> {
  let pending: Promise<T> | undefined;
  let done = false;
  const get = (() => {
    pending ??= new Promise<T>((resolve) => resolve(load())).then(
      (value) => {
        done = true;
        return value;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  }) as Lazy<T>;
  get.started = () => pending;
  get.loaded = () => done;
  return get;
}

/**
 * One lazy value per key (a model folder, say), each retried on failure like lazy(). Arguments
 * after the key are those of the call that starts the load (they tune it, they do not name it).
 */
export function lazyBy<K, T, A extends unknown[] = []>(load: (key: K, ...rest: A) => Promise<T>): (key: K, ...rest: A) => Promise<T> {
  const values = new Map<K, Lazy<T>>();
  return (key, ...rest) => {
    let value = values.get(key);
    if (!value) values.set(key, (value = lazy(() => load(key, ...rest))));
    return value();
  };
}

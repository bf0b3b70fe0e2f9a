/** A promise with its settling functions (Promise.withResolvers, which Node 20 lacks). */
export interface Settleable<T> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A promise settled from outside. Its rejection is marked handled: it reaches whoever awaits it,
 * and nobody awaiting it (a unit that failed before its commit) must not crash the process.
 */
export function settleable<T = void>(): Settleable<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

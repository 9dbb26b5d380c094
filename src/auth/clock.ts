// Time as the auth code sees it, injectable so tests can move an hour forward without waiting one.

export type TimerHandle = { readonly id: unknown };

export interface Clock {
  now(): number;
  /** Calls `fn` once after `ms`; the timer never keeps the process alive by itself. */
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** setTimeout's limit; longer delays would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const id = setTimeout(fn, Math.min(Math.max(ms, 0), MAX_TIMER_MS));
    id.unref();
    return { id };
  },
  clearTimer(handle) {
    clearTimeout(handle.id as NodeJS.Timeout);
  },
  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        clearTimeout(id);
        reject(signal!.reason);
      };
      const id = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.min(Math.max(ms, 0), MAX_TIMER_MS));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};

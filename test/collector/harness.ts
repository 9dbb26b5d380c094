// A simulator and a collector wired together over loopback, for the collector tests.
import { TwitchSimulator, type SimulatorOptions } from '../../src/sim/simulator.js';
import { Collector, COLLECTOR_DEFAULTS, type CollectorOptions } from '../../src/collector/collector.js';
import type { TransportFactory } from '../../src/collector/transport.js';
import { BatchWriter, type BatchWriterOptions } from '../../src/store/writer.js';
import { createLogger } from '../../src/log.js';
import { RecordingStore } from './recording-store.js';

export const log = createLogger(process.env['TEST_LOG_LEVEL'] ?? 'silent');

/**
 * Short intervals so that failures are noticed and repaired quickly in tests. The PONG deadline stays
 * long: the simulator shares the test's event loop, so on a loaded machine a stall right after our PING
 * delays the simulator's answer too; a short deadline would then tear down a healthy connection (and
 * record a gap). The test of a silent server sets its own short deadline.
 */
export const FAST: Partial<CollectorOptions> = {
  reconnect: { minMs: 50, maxMs: 500 },
  pingIntervalMs: 150,
  pongTimeoutMs: 5000,
  connectTimeoutMs: 3000,
  joinTimeoutMs: 3000,
  quitTimeoutMs: 3000,
};

export interface Harness {
  sim: TwitchSimulator;
  store: RecordingStore;
  writer: BatchWriter;
  collector: Collector;
  close(): Promise<void>;
}

export async function harness(
  simOptions: SimulatorOptions,
  collectorOptions: Partial<CollectorOptions> & { channels: string[] },
  extra: { writer?: BatchWriterOptions; transports?: TransportFactory; url?: (sim: TwitchSimulator) => string } = {},
): Promise<Harness> {
  const sim = new TwitchSimulator(simOptions);
  await sim.listen();
  const store = new RecordingStore();
  const writer = new BatchWriter(store, { flushIntervalMs: 10, ...extra.writer }, log);
  const collector = new Collector(
    { ...COLLECTOR_DEFAULTS, ...FAST, serverUrl: extra.url ? extra.url(sim) : sim.url, login: null, ...collectorOptions },
    store,
    writer,
    log,
    ...(extra.transports ? [extra.transports] : []),
  );
  collector.start();
  return {
    sim,
    store,
    writer,
    collector,
    close: async () => {
      await collector.stop();
      await writer.close();
      await sim.close();
    },
  };
}

/** Polls until `check` returns true; rejects naming `what` after `deadlineMs` (a hang guard, not a timing claim). */
export async function waitFor(check: () => boolean, what: string, deadlineMs = 15_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves with `promise`; rejects naming `what` after `deadlineMs` (a hang guard, not a timing claim). */
export async function within<T>(promise: Promise<T>, what: string, deadlineMs = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up waiting for ${what}`)), deadlineMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** True when each channel has lines 1..n, each exactly `once` (or at least once). */
export function hasSequence(store: RecordingStore, channel: string, n: number, exactlyOnce: boolean): boolean {
  const counts = store.sequenceCounts(channel);
  for (let seq = 1; seq <= n; seq++) {
    const c = counts.get(seq) ?? 0;
    if (c === 0 || (exactlyOnce && c !== 1)) return false;
  }
  return true;
}

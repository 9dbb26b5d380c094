// The store interface: the only thing outside store/ may know about storage.
// Async because a PostgreSQL backend sits behind the same interface; SQLite resolves at once.
import type { StoreReader } from './query.js';

/**
 * One received line, as framed (without CRLF), with our own receive time. The store parses and types it
 * where it writes it: a queue of lines is a fraction of the memory of a queue of parsed events, and a
 * store that writes on another thread gets what it needs in the cheapest form to hand over.
 */
export interface ReceivedLine {
  line: string;
  /** Our receive time, ms since the epoch. */
  receivedMs: number;
}

/** What one write did, for counters and the import report. */
export interface WriteResult {
  /** Lines archived in `raw`. */
  lines: number;
  /** Rows added per table (duplicates by Twitch message id are not counted). */
  rows: Record<string, number>;
  /** Events skipped because their message id was already stored (Twitch re-sends, reconnect overlap, re-import). */
  duplicates: number;
  /** Lines the IRC layer could not frame; archived raw all the same. */
  malformed: number;
  /** What went wrong after the batch was stored, without undoing it (to be logged). */
  warnings?: string[];
}

/**
 * Names one write of one writer, so that the same write asked again (its thread stopped before answering) is
 * recognised as committed instead of stored twice. `seq` grows with every write of the writer.
 */
export interface WriteKey {
  writer: string;
  seq: number;
}

/** A span during which a channel was not being recorded (disconnect, failed join, ...). */
export interface Gap {
  startMs: number;
  endMs: number | null;
  channels: string[];
  reason: string;
}

export interface ChannelState {
  channel: string;
  state: 'joining' | 'joined' | 'failed' | 'parted';
  detail: string | null;
  updatedMs: number;
}

export interface StoreStatus {
  /** Row count per table. */
  tables: Record<string, number>;
  channels: ChannelState[];
  lastGaps: Gap[];
  /** Receive time of the newest archived line, or null when empty. */
  lastReceivedMs: number | null;
}

/** Writes, status, and the reads of query.ts (list). */
export interface Store extends StoreReader {
  /** Writes a batch in one transaction. Idempotent by Twitch message id. */
  write(batch: readonly ReceivedLine[]): Promise<WriteResult>;
  recordGap(gap: Gap): Promise<void>;
  setChannelState(state: ChannelState): Promise<void>;
  status(): Promise<StoreStatus>;
  /** True when the database answers (readiness checks). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

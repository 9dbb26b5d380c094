// Small raw blocks merged into large ones. A recording commits a batch every 250 ms (writer.flushIntervalMs),
// so a quiet one writes blocks of a few lines, and Brotli finds few repeats inside two lines: measured
// (BENCHMARKS.md, storage), 2-line batches kept 211 B a line in the raw archive against 60 in large blocks,
// which put the database above the raw line per message. Once the small blocks at the end of the archive hold
// MERGE_LINES lines, when a large block ends their run, or when the store closes, they are compressed again as
// one row that keeps every line's raw id: the row takes the last block's id and raw_block.blocks says how
// many written blocks (ids id - blocks + 1 … id) it holds (format: raw-archive.ts). Lines are never moved
// between rows in any other way, so an event row's raw_id finds its line before and after a merge, and the
// next block id stays max(id) + 1, as every saltmine computes it.
import type { Database, Statement } from 'better-sqlite3';
import { decodeRow, encodeBlock } from './raw-archive.js';

/**
 * A written block of fewer lines than this is merged: a recording of under 1,000 lines/s at the default
 * interval. Merging compresses the lines a second time, which a block this size repays (measured on generated
 * chat: 100-line blocks keep 88 B a line, 300-line 74, merged 60); a busier recording's 500-line blocks (70)
 * would gain 10 B a line for that CPU, in the recordings where CPU counts most.
 */
export const SMALL_BLOCK_LINES = 250;
/** A run of small blocks is merged once it holds this many lines: past a few thousand Brotli gains little. */
export const MERGE_LINES = 4096;

/** Consecutive small written blocks at the end of the archive, not merged yet. */
export interface RawRun {
  firstId: number;
  blocks: number;
  lines: number;
}

export class RawMerger {
  private run: RawRun | null;
  private readonly select: Statement;
  private readonly remove: Statement;
  private readonly replace: Statement;

  constructor(private readonly db: Database) {
    this.select = db.prepare('SELECT id, blocks, first_ms, malformed, codec, data FROM raw_block WHERE id >= ? AND id < ? ORDER BY id');
    this.remove = db.prepare('DELETE FROM raw_block WHERE id >= ? AND id < ?');
    this.replace = db.prepare('UPDATE raw_block SET first_ms = ?, last_ms = ?, count = ?, malformed = ?, codec = ?, blocks = ?, data = ? WHERE id = ?');
    this.run = this.tailRun();
  }

  /** The run a previous process left at the end of the archive (it stopped before merging it). */
  private tailRun(): RawRun | null {
    let firstId = 0;
    let blocks = 0;
    let lines = 0;
    const tail = this.db.prepare('SELECT id, blocks, count FROM raw_block ORDER BY id DESC').iterate() as IterableIterator<{ id: number; blocks: number; count: number }>;
    for (const block of tail) {
      const continues = blocks === 0 || block.id === firstId - 1;
      if (!continues || block.blocks !== 1 || block.count >= SMALL_BLOCK_LINES || lines >= MERGE_LINES) break;
      firstId = block.id;
      blocks++;
      lines += block.count;
    }
    return blocks === 0 ? null : { firstId, blocks, lines };
  }

  /**
   * Called once a written block is committed. Returns the run to merge now (merge() it), or null: a full
   * run, or the one a large block ended.
   */
  written(blockId: number, lines: number): RawRun | null {
    const run = this.run;
    if (lines >= SMALL_BLOCK_LINES) return this.takeRest();
    if (run !== null && run.firstId + run.blocks === blockId) {
      run.blocks++;
      run.lines += lines;
    } else {
      this.run = { firstId: blockId, blocks: 1, lines };
    }
    if (this.run!.lines < MERGE_LINES) return null;
    const full = this.run;
    this.run = null;
    return full;
  }

  /** The run so far, to merge now (null: no run of two blocks or more), as a large block ends it or the store closes. */
  takeRest(): RawRun | null {
    const run = this.run;
    this.run = null;
    return run !== null && run.blocks > 1 ? run : null;
  }

  /**
   * Merges the run into one row, in a transaction of its own. The lines are compressed before it begins, so
   * another process writing the same file waits only for the DELETE and UPDATE; inside it the rows are checked
   * to be still the ones read (another process may have merged them): anything else leaves them as they are.
   */
  async merge(run: RawRun): Promise<void> {
    const { db } = this;
    const end = run.firstId + run.blocks;
    const rows = this.select.all(run.firstId, end) as Block[];
    if (!isRun(rows, run)) return;
    const lines: string[] = [];
    const receivedMs: number[] = [];
    const counts: number[] = [];
    let malformed = 0;
    for (const row of rows) {
      const decoded = decodeRow(row.id, row.first_ms, row.codec, row.data).lines;
      for (const line of decoded) {
        lines.push(line.line);
        receivedMs.push(line.receivedMs);
      }
      counts.push(decoded.length);
      malformed += row.malformed;
    }
    const merged = await encodeBlock(lines, receivedMs, counts);
    db.exec('BEGIN IMMEDIATE');
    try {
      if (!isRun(this.select.all(run.firstId, end) as Block[], run)) {
        db.exec('ROLLBACK');
        return;
      }
      this.remove.run(run.firstId, end - 1);
      this.replace.run(merged.firstMs, merged.lastMs, merged.count, malformed, merged.codec, merged.blocks, merged.data, end - 1);
      db.exec('COMMIT');
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw err;
    }
  }
}

interface Block { id: number; blocks: number; first_ms: number; malformed: number; codec: string; data: Buffer }

/** Whether the rows are the run's blocks, each as written. */
function isRun(rows: Block[], run: RawRun): boolean {
  return rows.length === run.blocks && rows.every((row, i) => row.id === run.firstId + i && row.blocks === 1);
}

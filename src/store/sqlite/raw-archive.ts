// The raw archive: every received line, exactly, in compressed blocks (one block per written batch).
// IRC lines repeat a lot (tag names, badges, colours, channel names): Brotli compresses them ~6x, which is
// what keeps a stored message near the size of its raw line (see BENCHMARKS.md). A line's id is
// blockId * 65536 + its index in the block, so event rows point at their exact line with one integer.
//
// Block format, after decompression (raw_block.codec names the compression: 'br' = Brotli, written since
// schema 4; 'deflate' = zlib, the blocks written before): line 0: receive times as comma-separated ms offsets
// from raw_block.first_ms; lines 1..n: the IRC lines. Readable without saltmine (README, "What is stored").
import { brotliCompress, brotliDecompressSync, constants, inflateSync } from 'node:zlib';
import { promisify } from 'node:util';
import type { Database, Statement } from 'better-sqlite3';

const brotliAsync = promisify(brotliCompress);

export const LINES_PER_BLOCK_MAX = 65536;
export type RawCodec = 'br' | 'deflate';
/**
 * Brotli quality 4, measured on generated chat in 1,000- and 5,000-line blocks: 57–62 B/line against zlib
 * level 6's 68 B/line, and less CPU (5.4 against 6.5 µs/line). Qualities 5+ shrink a few more bytes at up to
 * twice the CPU; 10–11 cost 20× more. The work runs on libuv's thread pool, off the main thread.
 */
const BROTLI_QUALITY = 4;

export function rawIdOf(blockId: number, index: number): number {
  return blockId * LINES_PER_BLOCK_MAX + index;
}

export interface RawLine {
  id: number;
  receivedMs: number;
  line: string;
}

export interface EncodedBlock {
  firstMs: number;
  lastMs: number;
  count: number;
  codec: RawCodec;
  data: Buffer;
}

/** Compresses lines (no line may contain `\n`: framing guarantees it) on the thread pool. */
export async function encodeBlock(lines: readonly string[], receivedMs: ArrayLike<number>): Promise<EncodedBlock> {
  let firstMs = Infinity;
  let lastMs = -Infinity;
  for (let i = 0; i < receivedMs.length; i++) {
    const ms = receivedMs[i]!;
    if (ms < firstMs) firstMs = ms;
    if (ms > lastMs) lastMs = ms;
  }
  let text = '';
  for (let i = 0; i < receivedMs.length; i++) text += (i === 0 ? '' : ',') + (receivedMs[i]! - firstMs);
  for (const line of lines) text += '\n' + line;
  const input = Buffer.from(text, 'utf8');
  // One output chunk for the whole block: with zlib's default 16 KiB, the thread pool hands every chunk back to
  // this thread's event loop before compressing on, and the write thread, busy inserting the block's rows,
  // collects them only when it awaits the block. Compressed chat is ~1/8 of its input; incompressible input
  // gains a few bytes, and a larger output still comes out whole, only in more chunks.
  const data = await brotliAsync(input, {
    chunkSize: Math.max(64 * 1024, input.length + 1024),
    params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: input.length },
  });
  return { firstMs, lastMs, count: lines.length, codec: 'br', data };
}

function decompress(codec: string, data: Buffer): Buffer {
  if (codec === 'br') return brotliDecompressSync(data);
  if (codec === 'deflate') return inflateSync(data);
  throw new Error(`raw_block: unknown codec ${JSON.stringify(codec)}`);
}

export function decodeBlock(blockId: number, firstMs: number, codec: string, data: Buffer): RawLine[] {
  const text = decompress(codec, data).toString('utf8');
  const parts = text.split('\n');
  const offsets = parts[0] === '' ? [] : parts[0]!.split(',');
  const out: RawLine[] = new Array(parts.length - 1);
  for (let i = 1; i < parts.length; i++) {
    out[i - 1] = { id: rawIdOf(blockId, i - 1), receivedMs: firstMs + Number(offsets[i - 1] ?? 0), line: parts[i]! };
  }
  return out;
}

export interface RawScan {
  /** Inclusive bounds on receive time, ms. */
  startMs?: number | null;
  endMs?: number | null;
  order?: 'asc' | 'desc';
  /** Keyset: only lines with id beyond this one in the scan order. */
  afterId?: number | null;
}

/** Reads lines back: by id (for `format=raw`) or by time range (for `/api/raw` and exports). */
export class RawReader {
  private readonly byId: Statement;
  private readonly cache = new Map<number, RawLine[]>();

  /**
   * SQL for the codec column, or for what it would say: a schema 3 file opened read-only (never migrated)
   * holds zlib blocks only.
   */
  private readonly codecColumn: string;

  constructor(private readonly db: Database) {
    const hasCodec = db.prepare("SELECT 1 FROM pragma_table_info('raw_block') WHERE name = 'codec'").get() !== undefined;
    this.codecColumn = hasCodec ? 'codec' : "'deflate' AS codec";
    this.byId = db.prepare(`SELECT first_ms, ${this.codecColumn}, data FROM raw_block WHERE id = ?`);
  }

  private block(blockId: number): RawLine[] | null {
    const cached = this.cache.get(blockId);
    if (cached) return cached;
    const row = this.byId.get(blockId) as { first_ms: number; codec: string; data: Buffer } | undefined;
    if (!row) return null;
    const lines = decodeBlock(blockId, row.first_ms, row.codec, row.data);
    if (this.cache.size >= 16) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(blockId, lines);
    return lines;
  }

  /** The lines for these ids (missing ids are left out). */
  lines(ids: readonly number[]): Map<number, RawLine> {
    const out = new Map<number, RawLine>();
    for (const id of ids) {
      const line = this.block(Math.floor(id / LINES_PER_BLOCK_MAX))?.[id % LINES_PER_BLOCK_MAX];
      if (line) out.set(id, line);
    }
    return out;
  }

  /** Lines in receive-block order (blocks are written in arrival order), filtered by receive time. */
  *scan(options: RawScan = {}): Generator<RawLine> {
    const desc = options.order === 'desc';
    const start = options.startMs ?? null;
    const end = options.endMs ?? null;
    const after = options.afterId ?? null;
    const afterBlock = after === null ? null : Math.floor(after / LINES_PER_BLOCK_MAX);
    const where: string[] = [];
    const params: number[] = [];
    if (start !== null) { where.push('last_ms >= ?'); params.push(start); }
    if (end !== null) { where.push('first_ms <= ?'); params.push(end); }
    if (afterBlock !== null) { where.push(desc ? 'id <= ?' : 'id >= ?'); params.push(afterBlock); }
    const sql = `SELECT id, first_ms, ${this.codecColumn}, data FROM raw_block ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id ${desc ? 'DESC' : 'ASC'}`;
    for (const row of this.db.prepare(sql).iterate(...params) as IterableIterator<{ id: number; first_ms: number; codec: string; data: Buffer }>) {
      const lines = decodeBlock(row.id, row.first_ms, row.codec, row.data);
      if (desc) lines.reverse();
      for (const line of lines) {
        if (start !== null && line.receivedMs < start) continue;
        if (end !== null && line.receivedMs > end) continue;
        if (after !== null && (desc ? line.id >= after : line.id <= after)) continue;
        yield line;
      }
    }
  }
}

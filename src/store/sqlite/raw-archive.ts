// The raw archive: every received line, exactly, in compressed blocks (one block per written batch).
// IRC lines repeat a lot (tag names, badges, colours, channel names): Brotli compresses them ~6x, which is
// what keeps a stored message near the size of its raw line (see BENCHMARKS.md). A line's id is
// blockId * 65536 + its index in the block, so event rows point at their exact line with one integer.
// Small blocks are later merged into one row (raw-merge.ts) that holds several written blocks and keeps every
// line's id: the row has its LAST block's id, so that the next block id is max(id) + 1 for any writer, an
// older saltmine still running included, and raw_block.blocks says how many (ids id - blocks + 1 … id).
//
// Block format, after decompression (raw_block.codec names the compression and the format: 'br' = Brotli,
// written since schema 4; 'deflate' = zlib, the blocks written before; 'br-merged' = Brotli, a merged row,
// since schema 6, a codec of its own so that a reader that does not know merged rows fails instead of
// misreading them): a merged row first has a line with the line counts of its blocks, comma-separated; then
// every row has a line of receive times as comma-separated ms offsets from raw_block.first_ms; then the IRC
// lines. Readable without saltmine (README, "What is stored").
import { brotliCompress, brotliDecompressSync, constants, inflateSync } from 'node:zlib';
import { promisify } from 'node:util';
import type { Database, Statement } from 'better-sqlite3';

const brotliAsync = promisify(brotliCompress);

export const LINES_PER_BLOCK_MAX = 65536;
export type RawCodec = 'br' | 'br-merged' | 'deflate';
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
  /** Written blocks it holds: 1, or more for a merged row. */
  blocks: number;
  codec: RawCodec;
  data: Buffer;
}

/**
 * Compresses lines (no line may contain `\n`: framing guarantees it) on the thread pool. `blockCounts`, for a
 * merged row: the line counts of the written blocks it holds, in order (they add up to the lines).
 */
export async function encodeBlock(lines: readonly string[], receivedMs: ArrayLike<number>, blockCounts?: readonly number[]): Promise<EncodedBlock> {
  let firstMs = Infinity;
  let lastMs = -Infinity;
  for (let i = 0; i < receivedMs.length; i++) {
    const ms = receivedMs[i]!;
    if (ms < firstMs) firstMs = ms;
    if (ms > lastMs) lastMs = ms;
  }
  let head = blockCounts === undefined ? '' : blockCounts.join(',') + '\n';
  for (let i = 0; i < receivedMs.length; i++) head += (i === 0 ? '' : ',') + (receivedMs[i]! - firstMs);
  // Each line is encoded straight into one buffer, sized for 3 bytes a UTF-16 unit (UTF-8's most; the pages
  // past the end are never touched, so never resident). One string of the whole block instead cost 5× as much
  // (1.24 against 0.25 µs a line, 11,600 corpus lines): V8 flattened the concatenation, to two-byte if one
  // line had a character above U+00FF, and measured its UTF-8 length before encoding it.
  let bound = head.length;
  for (let i = 0; i < lines.length; i++) bound += 1 + 3 * lines[i]!.length;
  const buffer = Buffer.allocUnsafe(bound);
  let at = buffer.write(head, 0, 'latin1');
  for (let i = 0; i < lines.length; i++) {
    buffer[at++] = 10; // \n
    at += buffer.write(lines[i]!, at, 'utf8');
  }
  const input = buffer.subarray(0, at);
  // All the compressing in the first job on the thread pool: the write thread, busy inserting the block's rows,
  // runs its event loop only when it awaits the block, and every job queued after a callback waits until then.
  // Hence one output chunk (zlib's default 16 KiB hands each chunk back to this thread before compressing on;
  // compressed chat is ~1/8 of its input, and a larger output still comes out whole, only in more chunks), and
  // FINISH on the input itself: with the default PROCESS, the stream was finished by the next job, queued after
  // the first one's callback, so the thread waited for it (1.16 s per 1,000,000 live lines). zlib still queues
  // an empty finishing job; left with nothing to do, it costs a round trip (0.27 s per million lines in all).
  const data = await brotliAsync(input, {
    chunkSize: Math.max(64 * 1024, input.length + 1024),
    flush: constants.BROTLI_OPERATION_FINISH,
    params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: input.length },
  });
  return blockCounts === undefined
    ? { firstMs, lastMs, count: lines.length, blocks: 1, codec: 'br', data }
    : { firstMs, lastMs, count: lines.length, blocks: blockCounts.length, codec: 'br-merged', data };
}

function decompress(codec: string, data: Buffer): Buffer {
  if (codec === 'br' || codec === 'br-merged') return brotliDecompressSync(data);
  if (codec === 'deflate') return inflateSync(data);
  throw new Error(`raw_block: unknown codec ${JSON.stringify(codec)}`);
}

/** One raw_block row decompressed: its lines in order, and where each written block it holds starts among them. */
export interface DecodedRow {
  /** The id of its first block; its last is the row's id. */
  firstBlock: number;
  /** starts[j]: the index in `lines` of block (firstBlock + j)'s first line; the last entry is lines.length. */
  starts: number[];
  lines: RawLine[];
}

/**
 * Decompresses the row of raw_block `id`. The blocks it holds come from the data itself (a merged row's first
 * line), not from raw_block.blocks, so a reader prepared before the column existed reads merged rows right.
 */
export function decodeRow(id: number, firstMs: number, codec: string, data: Buffer): DecodedRow {
  const parts = decompress(codec, data).toString('utf8').split('\n');
  const counts = codec === 'br-merged' ? parts.shift()!.split(',').map(Number) : [parts.length - 1];
  const offsets = parts[0] === '' ? [] : parts[0]!.split(',');
  const starts = [0];
  for (const n of counts) starts.push(starts[starts.length - 1]! + n);
  if (starts[counts.length] !== parts.length - 1) {
    throw new Error(`raw_block ${id}: holds ${parts.length - 1} lines, but its block counts add up to ${starts[counts.length]}`);
  }
  const firstBlock = id - counts.length + 1;
  const lines: RawLine[] = new Array(parts.length - 1);
  for (let b = 0; b < counts.length; b++) {
    for (let i = starts[b]!; i < starts[b + 1]!; i++) {
      lines[i] = { id: rawIdOf(firstBlock + b, i - starts[b]!), receivedMs: firstMs + Number(offsets[i] ?? 0), line: parts[i + 1]! };
    }
  }
  return { firstBlock, starts, lines };
}

/** The line of `rawId` in a decoded row, if the row holds it. */
function lineOf(row: DecodedRow, rawId: number): RawLine | undefined {
  const b = Math.floor(rawId / LINES_PER_BLOCK_MAX) - row.firstBlock;
  if (b < 0 || b >= row.starts.length - 1) return undefined;
  const i = row.starts[b]! + (rawId % LINES_PER_BLOCK_MAX);
  return i < row.starts[b + 1]! ? row.lines[i] : undefined;
}

export interface RawScan {
  /** Inclusive bounds on receive time, ms. */
  startMs?: number | null;
  endMs?: number | null;
  order?: 'asc' | 'desc';
  /** Keyset: only lines with id beyond this one in the scan order. */
  afterId?: number | null;
}

interface BlockRow { id: number; first_ms: number; codec: string; data: Buffer }

/** Reads lines back: by id (for `format=raw`) or by time range (for `/api/raw` and exports). */
export class RawReader {
  /** The row holding a block: the block's own, or the merged row with the nearest higher id (merged rows have their last block's id). */
  private readonly rowOfBlock: Statement;
  /** Recently decoded rows, newest last. */
  private readonly cache: DecodedRow[] = [];

  /** SQL for the columns, where a schema 3 file opened read-only (never migrated) has no codec column: zlib blocks only. */
  private readonly columns: string;

  constructor(private readonly db: Database) {
    const hasCodec = db.prepare("SELECT 1 FROM pragma_table_info('raw_block') WHERE name = 'codec'").get() !== undefined;
    this.columns = `id, first_ms, ${hasCodec ? 'codec' : "'deflate' AS codec"}, data`;
    this.rowOfBlock = db.prepare(`SELECT ${this.columns} FROM raw_block WHERE id >= ? ORDER BY id LIMIT 1`);
  }

  private row(blockId: number): DecodedRow | null {
    const holds = (row: DecodedRow) => row.firstBlock <= blockId && blockId < row.firstBlock + row.starts.length - 1;
    const cached = this.cache.find(holds);
    if (cached) return cached;
    const found = this.rowOfBlock.get(blockId) as BlockRow | undefined;
    if (!found) return null;
    const row = decodeRow(found.id, found.first_ms, found.codec, found.data);
    if (this.cache.length >= 16) this.cache.shift();
    this.cache.push(row);
    return holds(row) ? row : null;
  }

  /** The lines for these ids (missing ids are left out). */
  lines(ids: readonly number[]): Map<number, RawLine> {
    const out = new Map<number, RawLine>();
    for (const id of ids) {
      const row = this.row(Math.floor(id / LINES_PER_BLOCK_MAX));
      const line = row === null ? undefined : lineOf(row, id);
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
    if (afterBlock !== null) {
      if (!desc) where.push('id >= ?');
      // Descending, from the row holding the cursor's block, which may be a merged row with a higher id.
      else where.push('id <= coalesce((SELECT id FROM raw_block WHERE id >= ? ORDER BY id LIMIT 1), ?)');
      params.push(afterBlock);
      if (desc) params.push(afterBlock);
    }
    const sql = `SELECT ${this.columns} FROM raw_block ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id ${desc ? 'DESC' : 'ASC'}`;
    for (const row of this.db.prepare(sql).iterate(...params) as IterableIterator<BlockRow>) {
      const { lines } = decodeRow(row.id, row.first_ms, row.codec, row.data);
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

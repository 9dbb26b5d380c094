// Framing: bytes from a socket (or text from WebSocket frames) → complete lines.
// Lines split across reads and UTF-8 characters split across chunks are reassembled exactly
// (the seed decoded each 4096-byte chunk on its own and silently dropped characters on the seam).
// Lines are found in the bytes and each is decoded on its own: slicing one decoded chunk string would give
// V8 sliced strings that pin the whole chunk (64 KiB) for as long as any line of it is queued or cached,
// which was most of the collector's and the importer's memory. An LF byte never occurs inside a multi-byte
// UTF-8 character, so decoding per line is exact.

const LF = 10;
const CR = 13;

export class LineSplitter {
  /** Bytes after the last LF (copied: the caller may reuse its chunk), in arrival order. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** Feeds a chunk; returns the complete lines in it (CRLF or LF terminated, terminator removed). */
  push(chunk: Buffer | string): string[] {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const lines: string[] = [];
    let start = 0;
    let nl = bytes.indexOf(LF);
    if (nl !== -1 && this.pendingBytes > 0) {
      // Only the new chunk is searched: a long line arriving in many small chunks is scanned once.
      this.pending.push(bytes.subarray(0, nl));
      const head = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingBytes = 0;
      const line = lineOf(head, 0, head.length);
      if (line !== null) lines.push(line);
      start = nl + 1;
      nl = bytes.indexOf(LF, start);
    }
    for (; nl !== -1; nl = bytes.indexOf(LF, start)) {
      const line = lineOf(bytes, start, nl);
      if (line !== null) lines.push(line);
      start = nl + 1;
    }
    if (start < bytes.length) {
      this.pending.push(Buffer.from(bytes.subarray(start)));
      this.pendingBytes += bytes.length - start;
    }
    return lines;
  }

  /** Whatever is left when the stream ends (a last line without terminator), or null. */
  end(): string | null {
    const rest = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    return lineOf(rest, 0, rest.length);
  }

  /** Bytes buffered while waiting for the end of a line. */
  get bufferedLength(): number {
    return this.pendingBytes;
  }
}

/** bytes[start, end) without a trailing CR, decoded as a string of its own; null for an empty line. */
function lineOf(bytes: Buffer, start: number, end: number): string | null {
  if (end > start && bytes[end - 1] === CR) end--;
  return end > start ? bytes.toString('utf8', start, end) : null;
}

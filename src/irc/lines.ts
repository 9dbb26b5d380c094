// Framing: bytes from a socket (or text from WebSocket frames) → complete lines.
// Lines split across reads and UTF-8 characters split across chunks are reassembled exactly
// (the seed decoded each 4096-byte chunk on its own and silently dropped characters on the seam).
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  /** Feeds a chunk; returns the complete lines in it (CRLF or LF terminated, terminator removed). */
  push(chunk: Buffer | string): string[] {
    // `pending` holds no LF (it is what followed the last one), so the search starts after it: a long line
    // arriving in many small chunks is scanned once, not once per chunk.
    const from = this.pending.length;
    const text = this.pending + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lines: string[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n', from); nl !== -1; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (end > start) lines.push(text.slice(start, end));
      start = nl + 1;
    }
    this.pending = start === text.length ? '' : text.slice(start);
    return lines;
  }

  /** Whatever is left when the stream ends (a last line without terminator), or null. */
  end(): string | null {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    const trimmed = rest.endsWith('\r') ? rest.slice(0, -1) : rest;
    return trimmed === '' ? null : trimmed;
  }

  /** Characters buffered while waiting for the end of a line. */
  get bufferedLength(): number {
    return this.pending.length;
  }
}

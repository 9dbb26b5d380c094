// Text appended as UTF-8 to one buffer that is reused (and grown) from one use to the next, then copied out
// whole. A page of JSON is written this way, row by row as each is made: one string for the whole page would
// be a rope of thousands of pieces, and flattening and encoding it (two-byte as soon as one row has an emoji)
// cost more than making it.
export class Utf8Scratch {
  private buffer: Buffer;
  private at = 0;

  constructor(initialBytes: number) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Starts over (what was written is dropped). */
  reset(): this {
    this.at = 0;
    return this;
  }

  put(text: string): this {
    // At most 3 bytes per UTF-16 code unit.
    if (this.at + text.length * 3 > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.at + text.length * 3));
      this.buffer.copy(grown, 0, 0, this.at);
      this.buffer = grown;
    }
    this.at += this.buffer.write(text, this.at, 'utf8');
    return this;
  }

  /** A copy of the bytes written, in a buffer of its own (which can be transferred to another thread). */
  copy(): Buffer {
    const bytes = Buffer.allocUnsafeSlow(this.at);
    this.buffer.copy(bytes, 0, 0, this.at);
    return bytes;
  }
}

// A transport with no network under it: the test plays the server (pushes raw lines in) and reads what
// the client sent (dank-twitch-irc's test seam).
import type { Transport, TransportHandler } from '../../src/collector/transport.js';

export class FakeTransport implements Transport {
  written = '';
  paused = false;
  ended = false;
  destroyed = false;
  private handler: TransportHandler | null = null;
  private closed = false;

  connect(handler: TransportHandler): void {
    this.handler = handler;
  }

  /** The server accepts the connection. */
  open(): void {
    this.handler!.onOpen();
  }

  /** The server sends bytes or text. */
  serverSends(chunk: string | Buffer): void {
    this.handler!.onData(chunk);
  }

  /** The server closes (asynchronously, as a socket does). */
  serverCloses(error: Error | null = null): void {
    if (this.closed) return;
    this.closed = true;
    setImmediate(() => this.handler!.onClose(error));
  }

  /** Lines the client wrote, CRLF removed. */
  get sentLines(): string[] {
    return this.written.split('\r\n').filter((l) => l !== '');
  }

  write(text: string): void {
    if (!this.closed) this.written += text;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  end(): void {
    this.ended = true;
  }

  destroy(): void {
    this.destroyed = true;
    this.serverCloses(null);
  }
}

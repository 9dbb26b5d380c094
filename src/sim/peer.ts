// The simulator's view of one client connection, the same for a TCP socket and a WebSocket:
// text out with back-pressure (write → false, then whenDrained), text in, close.
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

export interface Peer {
  /** Queues text; false once the outgoing buffer is above its high-water mark (then use whenDrained). */
  write(text: string): boolean;
  /** Calls back once the buffer has drained or the peer has closed (at once when not congested). */
  whenDrained(callback: () => void): void;
  /** Closes after everything written has been sent. */
  end(): void;
  /** Closes at once, dropping unsent data (a network failure, as far as the client can tell). */
  destroy(): void;
  readonly closed: boolean;
  /** Set by the session: incoming bytes or text. */
  onData: (chunk: Buffer | string) => void;
  onClose: () => void;
}

abstract class BasePeer {
  closed = false;
  onData: (chunk: Buffer | string) => void = () => undefined;
  onClose: () => void = () => undefined;
  private waiting: Array<() => void> = [];

  protected abstract congested(): boolean;

  whenDrained(callback: () => void): void {
    if (this.closed || !this.congested()) callback();
    else this.waiting.push(callback);
  }

  protected drained(): void {
    if (this.waiting.length === 0 || (!this.closed && this.congested())) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const callback of waiting) callback();
  }

  protected closedNow(): void {
    if (this.closed) return;
    this.closed = true;
    this.drained();
    this.onClose();
  }
}

export class SocketPeer extends BasePeer implements Peer {
  constructor(private readonly socket: Socket) {
    super();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.drained());
    // A client resetting the connection is an ordinary event for a server; 'close' follows.
    socket.on('error', () => undefined);
    socket.on('close', () => this.closedNow());
  }

  protected congested(): boolean {
    return this.socket.writableNeedDrain;
  }

  write(text: string): boolean {
    if (this.closed || this.socket.writableEnded) return true;
    return this.socket.write(text);
  }

  end(): void {
    if (!this.socket.writableEnded) this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Above this many unsent bytes a WebSocket peer reports congestion. */
const WS_HIGH_WATER_MARK = 1 << 20;

export class WebSocketPeer extends BasePeer implements Peer {
  private readonly afterSend = (): void => this.drained();

  constructor(private readonly ws: WebSocket) {
    super();
    // A text frame holds whole lines, and Twitch does not require the CRLF in it (tmi.js sends none).
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onData(isBinary ? data : data.toString('utf8').replace(/[^\n]$/, '$&\r\n')));
    ws.on('error', () => undefined);
    ws.on('close', () => this.closedNow());
  }

  protected congested(): boolean {
    return this.ws.bufferedAmount > WS_HIGH_WATER_MARK;
  }

  write(text: string): boolean {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return true;
    this.ws.send(text, this.afterSend);
    return !this.congested();
  }

  end(): void {
    this.ws.close(1000);
  }

  destroy(): void {
    this.ws.terminate();
  }
}

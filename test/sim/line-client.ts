// A bare IRC client for tests: raw lines out, raw lines in, wait for a line or for the close.
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { LineSplitter } from '../../src/irc/lines.js';

export class LineClient {
  readonly lines: string[] = [];
  closed = false;
  private readonly waiters: Array<() => void> = [];
  private readonly splitter = new LineSplitter();
  private constructor(private readonly out: { write(text: string): void; close(): void }) {}

  static tcp(port: number): Promise<LineClient & { socket: Socket }> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const client = new LineClient({ write: (t) => socket.write(t), close: () => socket.destroy() }) as LineClient & { socket: Socket };
      client.socket = socket;
      socket.on('data', (chunk) => client.receive(chunk));
      socket.on('close', () => client.closedNow());
      socket.once('error', reject);
      socket.once('connect', () => resolve(client));
    });
  }

  static ws(url: string): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const client = new LineClient({ write: (t) => ws.send(t), close: () => ws.terminate() });
      ws.on('message', (data: Buffer) => client.receive(data.toString('utf8')));
      ws.on('close', () => client.closedNow());
      ws.once('error', reject);
      ws.once('open', () => resolve(client));
    });
  }

  send(...lines: string[]): void {
    this.out.write(lines.map((l) => l + '\r\n').join(''));
  }

  close(): void {
    this.out.close();
  }

  /** Resolves once `predicate` holds for the lines received so far; rejects on close or after `deadlineMs` (a hang guard). */
  until(predicate: (lines: string[]) => boolean, what = 'the expected lines', deadlineMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (predicate(this.lines)) {
          resolve();
          return true;
        }
        if (this.closed) {
          reject(new Error(`closed before ${what}; got ${this.lines.length} lines, last: ${JSON.stringify(this.lines.slice(-3))}`));
          return true;
        }
        return false;
      };
      if (check()) return;
      const stop = (): void => {
        clearTimeout(timer);
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
      };
      const waiter = (): void => {
        if (check()) stop();
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`gave up waiting for ${what}; got ${this.lines.length} lines, last: ${JSON.stringify(this.lines.slice(-3))}`));
      }, deadlineMs);
      this.waiters.push(waiter);
    });
  }

  whenClosed(): Promise<void> {
    return this.until(() => this.closed, 'the connection to close');
  }

  private receive(chunk: Buffer | string): void {
    this.lines.push(...this.splitter.push(chunk));
    for (const waiter of [...this.waiters]) waiter();
  }

  private closedNow(): void {
    this.closed = true;
    for (const waiter of [...this.waiters]) waiter();
  }
}

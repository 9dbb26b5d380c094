// The byte pipe under one IRC connection: TLS TCP (ircs://, Twitch's default), plain TCP (irc://) or
// WebSocket (wss://, ws://). The connection logic sees only this interface, so tests can put a fake
// transport underneath and push raw server lines in (dank-twitch-irc's seam).
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { WebSocket } from 'ws';

export interface TransportHandler {
  onOpen(): void;
  /** Bytes (TCP) or text (a WebSocket frame: one or more CRLF-terminated lines). */
  onData(chunk: Buffer | string): void;
  /** Called once, after open or instead of it; error null for an orderly close. */
  onClose(error: Error | null): void;
}

export interface Transport {
  connect(handler: TransportHandler): void;
  write(text: string): void;
  /** Stops reading (back-pressure): the kernel buffer fills and the server slows down. */
  pause(): void;
  resume(): void;
  /** Closes our side after pending writes; reading goes on until the server closes. */
  end(): void;
  destroy(): void;
}

export type TransportFactory = (url: ServerUrl) => Transport;

export interface ServerUrl {
  kind: 'tcp' | 'ws';
  tls: boolean;
  host: string;
  port: number;
  /** The URL as given, for logs and WebSocket connects. */
  href: string;
}

const DEFAULT_PORTS: Record<string, number> = { 'irc:': 6667, 'ircs:': 6697, 'ws:': 80, 'wss:': 443 };

/** Parses `ircs://host[:port]`, `irc://…`, `wss://…`, `ws://…`; throws naming the URL otherwise. */
export function parseServerUrl(text: string): ServerUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`invalid server URL ${JSON.stringify(text)}: expected ircs://, irc://, wss:// or ws://`);
  }
  const port = DEFAULT_PORTS[url.protocol];
  if (port === undefined) throw new Error(`unsupported server URL scheme ${JSON.stringify(url.protocol)} in ${JSON.stringify(text)}: expected ircs://, irc://, wss:// or ws://`);
  const ws = url.protocol === 'ws:' || url.protocol === 'wss:';
  return {
    kind: ws ? 'ws' : 'tcp',
    tls: url.protocol === 'ircs:' || url.protocol === 'wss:',
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? port : Number(url.port),
    href: text,
  };
}

class SocketTransport implements Transport {
  private socket: Socket | null = null;

  constructor(private readonly url: ServerUrl, private readonly tlsOptions: { rejectUnauthorized?: boolean; ca?: string | Buffer }) {}

  connect(handler: TransportHandler): void {
    const { host, port } = this.url;
    const socket = this.url.tls
      ? tlsConnect({ host, port, servername: /^[\d.:]+$/.test(host) ? undefined : host, ...this.tlsOptions }, () => handler.onOpen())
      : netConnect({ host, port }, () => handler.onOpen());
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    let failure: Error | null = null;
    socket.on('data', (chunk: Buffer) => handler.onData(chunk));
    socket.on('error', (err) => {
      failure = err;
    });
    socket.on('close', () => handler.onClose(failure));
    this.socket = socket;
  }

  write(text: string): void {
    if (this.socket !== null && !this.socket.writableEnded && !this.socket.destroyed) this.socket.write(text);
  }

  pause(): void {
    this.socket?.pause();
  }

  resume(): void {
    this.socket?.resume();
  }

  end(): void {
    this.socket?.end();
  }

  destroy(): void {
    this.socket?.destroy();
  }
}

class WebSocketTransport implements Transport {
  private ws: WebSocket | null = null;

  constructor(private readonly url: ServerUrl, private readonly tlsOptions: { rejectUnauthorized?: boolean; ca?: string | Buffer }) {}

  connect(handler: TransportHandler): void {
    const ws = new WebSocket(this.url.href, { perMessageDeflate: false, ...this.tlsOptions });
    let failure: Error | null = null;
    ws.on('open', () => handler.onOpen());
    ws.on('message', (data: Buffer, isBinary: boolean) => handler.onData(isBinary ? data : data.toString('utf8')));
    ws.on('error', (err) => {
      failure = err;
    });
    ws.on('close', () => handler.onClose(failure));
    this.ws = ws;
  }

  write(text: string): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  pause(): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.pause();
  }

  resume(): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.resume();
  }

  end(): void {
    // A WebSocket has no half-close: the close handshake is the orderly end.
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.close(1000);
  }

  destroy(): void {
    this.ws?.terminate();
  }
}

export interface TransportOptions {
  /** Trust this CA certificate instead of the system store (a private server, the TLS simulator). */
  ca?: string | Buffer;
  /** false only for tests against a self-signed simulator. */
  rejectUnauthorized?: boolean;
}

/** The real transports, chosen by URL scheme. */
export function realTransports(options: TransportOptions = {}): TransportFactory {
  const tlsOptions = { ...(options.ca !== undefined ? { ca: options.ca } : {}), ...(options.rejectUnauthorized !== undefined ? { rejectUnauthorized: options.rejectUnauthorized } : {}) };
  return (url) => (url.kind === 'ws' ? new WebSocketTransport(url, tlsOptions) : new SocketTransport(url, tlsOptions));
}

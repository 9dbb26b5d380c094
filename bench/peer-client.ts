// A peer chat client that only counts: `node dist/bench/peer-client.js tmi|twurple PORT CHANNELS EXPECTED`.
// Connects anonymously to the simulator on 127.0.0.1:PORT over WebSocket (the transport both libraries
// default to), joins the channels and counts chat messages (PRIVMSG) through the library's own message
// event, storing nothing: the bar a collector that stores everything should clear. Prints one JSON object
// (times of the 10%, 90% and 100% marks, ms since the process started) and exits.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

interface Progress { received: number; t10: number | null; t90: number | null; tDone: number | null; connectedAt: number | null }

const [library, portText, channelsText, expectedText] = process.argv.slice(2);
const port = Number(portText);
const channels = (channelsText ?? '').split(',').filter((c) => c !== '');
const expected = Number(expectedText);
if (!['tmi', 'twurple'].includes(library ?? '') || !Number.isInteger(port) || channels.length === 0 || !(expected > 0)) {
  process.stderr.write('usage: peer-client.js tmi|twurple PORT CHANNEL,CHANNEL EXPECTED_PRIVMSG\n');
  process.exit(2);
}

const progress: Progress = { received: 0, t10: null, t90: null, tDone: null, connectedAt: null };
let finish: () => void = () => undefined;
const done = new Promise<void>((resolve) => (finish = resolve));

// One counter for both libraries: this is all a handler does.
function onMessage(): void {
  const n = ++progress.received;
  if (n === Math.ceil(expected * 0.1)) progress.t10 = performance.now();
  if (n === Math.ceil(expected * 0.9)) progress.t90 = performance.now();
  if (n === expected) {
    progress.tDone = performance.now();
    finish();
  }
}

interface TmiClient { on(event: string, handler: (...args: unknown[]) => void): void; connect(): Promise<unknown>; disconnect(): Promise<unknown> }
interface TwurpleClient { onMessage(handler: () => void): void; onAction(handler: () => void): void; onConnect(handler: () => void): void; connect(): void; quit(): void }

async function run(): Promise<void> {
  const require = createRequire(import.meta.url);
  let stop: () => Promise<unknown> | void;
  if (library === 'tmi') {
    const tmi = require('tmi.js') as { Client: new (options: unknown) => TmiClient };
    const client = new tmi.Client({ connection: { server: '127.0.0.1', port, secure: false, reconnect: false }, channels, logger: { info: () => undefined, warn: () => undefined, error: () => undefined } });
    client.on('message', onMessage);
    client.on('cheer', onMessage); // tmi.js emits a PRIVMSG with bits as 'cheer' instead of 'message'
    client.on('connected', () => (progress.connectedAt = performance.now()));
    await client.connect();
    stop = () => client.disconnect();
  } else {
    // @twurple/chat has no port option: ircv3's IrcClient derives the port from webSocket/ssl (80 for ws://).
    // Overriding that one getter points it at the simulator; nothing else of the library is touched.
    // (the ESM build: the one @twurple/chat imports)
    const ircv3 = (await import('ircv3')) as unknown as { IrcClient: { prototype: object } };
    Object.defineProperty(ircv3.IrcClient.prototype, 'port', { get: () => port, configurable: true });
    const { ChatClient } = (await import('@twurple/chat')) as unknown as { ChatClient: new (options: unknown) => TwurpleClient };
    const client = new ChatClient({ hostName: '127.0.0.1', ssl: false, webSocket: true, channels, logger: { minLevel: 'critical' } });
    client.onMessage(onMessage);
    client.onAction(onMessage); // a /me PRIVMSG goes to onAction instead of onMessage
    client.onConnect(() => (progress.connectedAt = performance.now()));
    client.connect();
    stop = () => client.quit();
  }
  const timeout = setTimeout(() => finish(), 600_000);
  await done;
  clearTimeout(timeout);
  process.stdout.write(JSON.stringify(progress) + '\n');
  await stop();
  // Neither library needs to linger once the count is in.
  process.exit(progress.received === expected ? 0 : 1);
}

run().catch((err: unknown) => {
  process.stderr.write(`peer-client ${library}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

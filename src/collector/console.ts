// The interactive console of the seed: `join <channel>`, `part <channel>`, `say #channel <message>`,
// `status`, `quit`. Only started when stdin is a terminal; unlike the seed it never sends raw IRC.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Collector, CollectorStatus } from './collector.js';

const HELP = 'commands: join <channel> | part <channel> | say #channel <message> | status | quit';

export function formatStatus(status: CollectorStatus): string {
  const conns = status.connections.map((c) => `#${c.id} ${c.state} (${c.joined} joined)`).join(', ') || 'none';
  const ch = status.channels;
  const gap = status.lastGap === null
    ? 'none'
    : `${new Date(status.lastGap.startMs).toISOString()} for ${status.lastGap.endMs === null ? '?' : ((status.lastGap.endMs - status.lastGap.startMs) / 1000).toFixed(1) + ' s'}, ${status.lastGap.channels.length} channel(s): ${status.lastGap.reason}`;
  return [
    `connections: ${conns}`,
    `channels: ${ch.joined} joined, ${ch.joining} joining, ${ch.failed} failed`,
    `messages: ${status.linesPerSecond}/s, ${status.linesReceived} received, ${status.writerQueued} waiting for the database${status.readingPaused ? ' (reading paused)' : ''}`,
    `queues: ${status.joinsQueued} JOINs, ${status.sendQueued} messages to send`,
    `last gap: ${gap}`,
  ].join('\n');
}

/** One line for periodic status output (the demo, `--status-every`). */
export function formatStatusLine(status: CollectorStatus): string {
  const time = new Date().toISOString().slice(11, 19);
  const ch = status.channels;
  const total = ch.joined + ch.joining + ch.failed;
  const gap = status.lastGap === null ? 'none' : `${status.lastGap.reason} (${status.lastGap.channels.length} channel(s))`;
  return `${time}  ${ch.joined}/${total} channels joined  ${status.connections.length} connection(s)  ${status.linesPerSecond} lines/s  ${status.linesReceived} received  ${status.writerQueued} unwritten  last gap: ${gap}`;
}

/** Runs one console command; returns the reply, or null for `quit`. */
export function runCommand(collector: Collector, line: string): string | null {
  const trimmed = line.trim();
  if (trimmed === '') return '';
  const space = trimmed.indexOf(' ');
  const verb = (space === -1 ? trimmed : trimmed.slice(0, space)).toLowerCase();
  const rest = space === -1 ? '' : trimmed.slice(space + 1).trim();
  try {
    switch (verb) {
      case 'join':
        if (rest === '') return 'usage: join <channel>';
        return `joining ${collector.join(rest)}`;
      case 'part':
        if (rest === '') return 'usage: part <channel>';
        return `left ${collector.part(rest)}`;
      case 'say': {
        const sp = rest.indexOf(' ');
        if (sp === -1) return 'usage: say #channel <message>';
        const place = collector.say(rest.slice(0, sp), rest.slice(sp + 1));
        return place === 0 ? 'sending' : `queued (place ${place}: Twitch's rate limits)`;
      }
      case 'status':
        return formatStatus(collector.status());
      case 'quit':
      case 'exit':
        return null;
      case 'help':
        return HELP;
      default:
        return `unknown command ${JSON.stringify(verb)}; ${HELP}`;
    }
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

/** Reads commands line by line until `quit` or end of input; then calls onQuit once. */
export function startConsole(collector: Collector, input: Readable, output: Writable, onQuit: () => void): { close(): void } {
  const rl = createInterface({ input, output, terminal: false });
  let quitting = false;
  const quit = (): void => {
    if (quitting) return;
    quitting = true;
    rl.close();
    onQuit();
  };
  output.write(HELP + '\n');
  rl.on('line', (line) => {
    const reply = runCommand(collector, line);
    if (reply === null) quit();
    else if (reply !== '') output.write(reply + '\n');
  });
  rl.on('close', quit);
  return {
    close: () => {
      quitting = true;
      rl.close();
    },
  };
}

// `saltmine parse [FILE|-]`: one NDJSON object per IRC line, for inspection and scripting.
import type { Command } from 'commander';
import { parseLine } from '../irc/parse.js';
import { toEvent } from '../twitch/map.js';
import { isIrcLine, lines, openLog } from './input.js';

/** The event without its IrcMessage (already printed beside it). */
function eventJson(line: string): string {
  const irc = parseLine(line);
  const { irc: _irc, ...event } = toEvent(irc);
  const out: Record<string, unknown> = { raw: irc.raw, tags: irc.tags, prefix: irc.prefix, command: irc.command, params: irc.params };
  if (irc.malformed) {
    out['malformed'] = true;
    out['error'] = irc.error;
  }
  out['event'] = event;
  return JSON.stringify(out);
}

export function registerParse(program: Command): void {
  program
    .command('parse')
    .description('parse IRC lines (a file, gzip or not, or - for stdin) and print one JSON object per line')
    .argument('[file]', 'log file, or - for stdin', '-')
    .action(async (file: string) => {
      const { stream } = await openLog(file);
      let buffer = '';
      for await (const line of lines(stream)) {
        if (!isIrcLine(line)) continue;
        buffer += eventJson(line) + '\n';
        if (buffer.length > 65536) {
          if (!process.stdout.write(buffer)) await new Promise((resolve) => process.stdout.once('drain', resolve));
          buffer = '';
        }
      }
      process.stdout.write(buffer);
    });
}

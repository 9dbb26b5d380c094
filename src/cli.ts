#!/usr/bin/env node
// The composition root for the command line: each subcommand lives in commands/ and registers itself here.
import { Command } from 'commander';
import { registerParse } from './commands/parse.js';
import { registerImport } from './commands/import.js';
import { CliError } from './commands/errors.js';
import { redactSecrets } from './log.js';

const program = new Command()
  .name('saltmine')
  .description('Record Twitch chat losslessly and fast, and query it.')
  .version('0.1.0')
  .showHelpAfterError();

registerParse(program);
registerImport(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CliError) {
    process.stderr.write(`saltmine: ${redactSecrets(err.message)}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`saltmine: unexpected error: ${redactSecrets(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`);
  process.exit(1);
});

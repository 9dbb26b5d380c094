// The command line program: each subcommand lives in commands/ and registers itself here. cli.ts starts it
// (in a child process with a capped heap, see heap-cap.ts).
import { Command } from 'commander';
import { registerParse } from './commands/parse.js';
import { registerImport } from './commands/import.js';
import { registerSimulate } from './commands/simulate.js';
import { registerCollect } from './commands/collect.js';
import { registerRun } from './commands/run.js';
import { registerDemo } from './commands/demo.js';
import { registerStatus } from './commands/status.js';
import { registerServe } from './commands/serve.js';
import { registerAuth } from './commands/auth.js';
import { CliError } from './commands/errors.js';
import { ConfigError } from './config.js';
import { AuthError } from './auth/errors.js';
import { redactSecrets } from './log.js';

const program = new Command()
  .name('saltmine')
  .description('Record Twitch chat losslessly and fast, and query it.')
  .version('0.1.0')
  .showHelpAfterError();

registerParse(program);
registerImport(program);
registerSimulate(program);
registerCollect(program);
registerRun(program);
registerDemo(program);
registerStatus(program);
registerServe(program);
registerAuth(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CliError || err instanceof ConfigError || err instanceof AuthError) {
    process.stderr.write(`saltmine: ${redactSecrets(err.message)}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`saltmine: unexpected error: ${redactSecrets(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`);
  process.exit(1);
});

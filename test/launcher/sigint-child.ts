// A program for the launcher's SIGINT tests, run as the launcher's child with the real child side
// (stopWithLauncher). `count`: prints each SIGINT it gets and runs until SIGTERM, so a SIGINT delivered twice
// shows. `plain`: listens for no SIGINT, as a command such as `import` does, so SIGINT ends it.
import { stopWithLauncher } from '../../src/heap-cap.js';

stopWithLauncher();
if (process.argv[2] === 'count') {
  let sigints = 0;
  process.on('SIGINT', () => process.stdout.write(`sigint ${++sigints}\n`));
  process.on('SIGTERM', () => process.exit(0));
}
setInterval(() => undefined, 60_000);
process.stdout.write(`child ${process.pid}\nready\n`);

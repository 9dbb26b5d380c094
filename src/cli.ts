#!/usr/bin/env node
// The `saltmine` executable: starts program.ts, in a child process with a capped heap unless that is turned off
// (see heap-cap.ts). Kept tiny so the launcher loads nothing it does not need.
import { fileURLToPath } from 'node:url';
import { HeapCapError, heapCapToApply, runWithHeapCap, stopWithLauncher } from './heap-cap.js';

let cap: number | null;
try {
  cap = heapCapToApply(process.env, process.execArgv);
} catch (err) {
  if (!(err instanceof HeapCapError)) throw err;
  process.stderr.write(`saltmine: ${err.message}\n`);
  process.exit(err.exitCode);
}
if (cap === null) {
  stopWithLauncher();
  await import('./program.js');
} else {
  process.exitCode = await runWithHeapCap(cap, fileURLToPath(import.meta.url), process.argv.slice(2));
}

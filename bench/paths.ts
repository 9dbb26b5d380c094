// Where things are, from the compiled file (dist/bench/*.js) so the suite runs from any working directory.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isIrcLine } from '../src/commands/input.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../src/cli.js', import.meta.url));
export const XQCOW_LOG = fileURLToPath(new URL('../../test/fixtures/xqcow-2019-09-15.log', import.meta.url));
export const RESULTS_JSON = fileURLToPath(new URL('../../bench/results.json', import.meta.url));
export const RESULTS_LOCAL_JSON = fileURLToPath(new URL('../../bench/results.local.json', import.meta.url));
export const BENCHMARKS_MD = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));

/** The IRC lines of the xqcow corpus (blank and `# ` comment lines dropped, as `saltmine import` does). */
export function corpusLines(path = XQCOW_LOG): string[] {
  return readFileSync(path, 'utf8').split(/\r?\n/).filter(isIrcLine);
}

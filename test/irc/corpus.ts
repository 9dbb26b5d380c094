// Reads the fixture corpora (test/fixtures/*.txt): one wire line per line; blank lines and `# ` comments skipped.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a fixture; tests run from dist/test/<dir>/, fixtures stay in test/fixtures/. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));
}

export function corpusLines(name: string): string[] {
  return readFileSync(fixturePath(name), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('# '));
}

/** The corpus line equal to `marker`, else the one line containing it (an id tag, say); fails loudly otherwise. */
export function lineWith(lines: readonly string[], marker: string): string {
  if (lines.includes(marker)) return marker;
  const found = lines.filter((line) => line.includes(marker));
  if (found.length !== 1) throw new Error(`expected exactly one corpus line containing ${JSON.stringify(marker)}, found ${found.length}`);
  return found[0]!;
}

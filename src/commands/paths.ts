import { join } from 'node:path';

/** The embedded default database: ./data/saltmine.db under the working directory. */
export function defaultDbPath(): string {
  return join(process.cwd(), 'data', 'saltmine.db');
}

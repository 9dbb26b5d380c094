// The seed's `keyz/credentials.key`: `client_id=…` and `client_secret=…` lines, `#` comments.
// Read if present, so an existing installation keeps working.
import { ConfigError } from './errors.js';

const KEYS: Record<string, 'clientId' | 'clientSecret'> = { client_id: 'clientId', client_secret: 'clientSecret' };

export interface Credentials {
  clientId?: string | null;
  clientSecret?: string | null;
}

/** Parses the file's text; `label` names the file in errors. Values never appear in error messages. */
export function parseCredentials(text: string, label: string): Credentials {
  const out: Credentials = {};
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    const where = `${label} line ${index + 1}`;
    if (equals <= 0) throw new ConfigError(`${where}: expected key=value (client_id=… or client_secret=…)`, label, null);
    const name = line.slice(0, equals).trim();
    const key = KEYS[name.toLowerCase()];
    if (key === undefined) {
      throw new ConfigError(`${where}: unknown key ${JSON.stringify(name)} (known keys: client_id, client_secret)`, label, name);
    }
    const value = line.slice(equals + 1).trim().replace(/^(['"])(.*)\1$/, '$2');
    out[key] = value === '' ? null : value;
  }
  return out;
}

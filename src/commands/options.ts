// Turning command-line flag text into numbers and lists, with errors that name the flag.
import { configOptions, ConfigError, loadConfig, type SaltmineConfig } from '../config.js';
import { CliError } from './errors.js';

/** An integer flag within [min, max]; exit code 2 naming the flag otherwise. */
export function intOption(text: string, flag: string, min = -Infinity, max = Infinity): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    throw new CliError(`${flag}: expected ${range}, got ${JSON.stringify(text)}`, 2);
  }
  return value;
}

/** A comma-separated list, blanks dropped. */
export function listOption(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The configuration for a command: flags > env > .env > config file > defaults; errors exit 2 naming file and key. */
export function configFromFlags(flags: Record<string, unknown>): Readonly<SaltmineConfig> {
  try {
    return loadConfig(configOptions(flags));
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, 2);
    throw err;
  }
}

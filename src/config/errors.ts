import { redactSecrets } from '../log.js';

/** A configuration problem, naming where it came from (file, environment variable or flag) and which key. */
export class ConfigError extends Error {
  /** The CLI exits with this code (2: the program was not started as configured, like a usage error). */
  readonly exitCode = 2;

  constructor(
    message: string,
    /** `config/config.json`, `environment variable SALTMINE_API_PORT`, `flag --port`, … */
    readonly source: string | null = null,
    /** Dotted config key, e.g. `irc.joinRate.limit`. */
    readonly key: string | null = null,
  ) {
    super(redactSecrets(message));
    this.name = 'ConfigError';
  }
}

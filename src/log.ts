// The one logger: pino, structured, to stderr (stdout stays clean for data such as `saltmine parse`).
// Secrets are redacted here and by redactSecrets() for any text that leaves the process.
import { pino, type Logger } from 'pino';

export type { Logger };

const SECRET_PATTERNS: RegExp[] = [
  /oauth:[A-Za-z0-9_-]+/g,
];

/** Replaces anything that looks like a token with `[REDACTED]`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, 'oauth:[REDACTED]');
  return out;
}

export function createLogger(level: string = process.env['SALTMINE_LOG_LEVEL'] ?? 'info'): Logger {
  return pino(
    {
      level,
      redact: { paths: ['token', 'accessToken', 'refreshToken', 'clientSecret', '*.token', '*.accessToken', '*.refreshToken', '*.clientSecret', 'access_token', 'refresh_token', 'client_secret'], censor: '[REDACTED]' },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    pino.destination(2),
  );
}

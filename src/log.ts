// The one logger: pino, structured, to stderr (stdout stays clean for data such as `saltmine parse`).
// The one redaction layer: every log line, every CLI error and every crash report passes through
// redactSecrets(), which removes the exact secret values this process has seen (registerSecret) and
// anything shaped like a credential (oauth:…, access_token=…, "refresh_token":"…", Authorization: OAuth …).
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

const CENSOR = '[REDACTED]';
/** Exact values known to be secret (tokens, refresh tokens, client secrets), kept longest first. */
let knownSecrets: string[] = [];
/** Shorter strings are not treated as secrets: replacing them would mangle ordinary text. */
const MIN_SECRET_LENGTH = 8;

const SECRET_KEYS = 'access_?token|refresh_?token|client_?secret|device_?code|accessToken|refreshToken|clientSecret|deviceCode|password';
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/oauth:[A-Za-z0-9_.~+/=%-]+/g, `oauth:${CENSOR}`],
  // form bodies and URLs: access_token=…&, token=…
  [new RegExp(`\\b(${SECRET_KEYS}|token)=[^&\\s"']+`, 'gi'), `$1=${CENSOR}`],
  // the authorization code of the browser flow, only as a URL parameter (`exit code=1` is not a secret)
  [/([?&]code=)[^&\s"'#]+/g, `$1${CENSOR}`],
  // JSON text: "refresh_token":"…"
  [new RegExp(`"(${SECRET_KEYS}|token)"(\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), `"$1"$2"${CENSOR}"`],
  // HTTP headers, in any rendering: Authorization: OAuth …, authorization: 'Bearer …'
  [/(authorization["']?\s*[:=]\s*["']?\s*(?:OAuth|Bearer)\s+)[^\s"',}]+/gi, `$1${CENSOR}`],
];

/** Remembers a secret so that it is redacted wherever it later appears, whatever the surrounding format. */
export function registerSecret(value: string | null | undefined): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  const forms = new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]);
  knownSecrets = [...new Set([...knownSecrets, ...forms])].sort((a, b) => b.length - a.length);
}

/** Replaces every known secret and anything that looks like a credential with `[REDACTED]`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(CENSOR);
  }
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** An error (and its causes) as one redacted line, or with the stack for crash reports. */
export function formatError(err: unknown, options: { stack?: boolean } = {}): string {
  const parts: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(options.stack && depth === 0 && current.stack !== undefined ? current.stack : current.message);
      current = current.cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  return redactSecrets(parts.join(': caused by: '));
}

const REDACT_PATHS = [
  'token', 'accessToken', 'refreshToken', 'clientSecret', 'deviceCode', 'password', 'authorization',
  'access_token', 'refresh_token', 'client_secret', 'device_code',
  '*.token', '*.accessToken', '*.refreshToken', '*.clientSecret', '*.deviceCode', '*.password', '*.authorization',
  '*.access_token', '*.refresh_token', '*.client_secret', '*.device_code',
  'headers.authorization', '*.headers.authorization', 'auth.clientSecret', 'config.auth.clientSecret',
];

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields every pino line has; the rest are the line's own context. */
const BASE_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/**
 * One JSON log line as a person reads it: `15:30:47 WARN message key=value …` (local time). Lines that
 * are not JSON pass through unchanged.
 */
export function humanLogLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof entry['time'] === 'number' ? new Date(entry['time']).toTimeString().slice(0, 8) : '--:--:--';
  const level = LEVEL_NAMES[entry['level'] as number] ?? String(entry['level']);
  let line = `${time} ${level.padEnd(5)} ${typeof entry['msg'] === 'string' ? entry['msg'] : ''}`;
  for (const [key, value] of Object.entries(entry)) {
    if (BASE_FIELDS.has(key)) continue;
    const text = typeof value === 'string' && /^[^\s"=]*$/.test(value) ? value : JSON.stringify(value);
    line += ` ${key}=${text}`;
  }
  return line + '\n';
}

/**
 * Where logs go: stderr, as JSON lines (`json`) or readable lines (`pretty`); `auto` picks readable lines
 * when stderr is a terminal. Commands that load the config pass its `log.format`.
 */
export function logDestination(format: string = process.env['SALTMINE_LOG_FORMAT'] ?? 'auto', isTerminal = process.stderr.isTTY === true): DestinationStream {
  const json = pino.destination(2);
  const human = format === 'pretty' || (format !== 'json' && isTerminal);
  return human ? { write: (line: string) => json.write(humanLogLine(line)) } : json;
}

export function createLogger(
  level: string = process.env['SALTMINE_LOG_LEVEL'] ?? 'info',
  destination: DestinationStream = logDestination(),
): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      // The last gate: the serialized line, including error messages and stacks, is redacted as text.
      hooks: { streamWrite: redactSecrets },
    },
    destination,
  );
}

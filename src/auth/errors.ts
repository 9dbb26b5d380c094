/**
 * What went wrong with Twitch sign-in, ranked by what the caller should do:
 * - `rejected`: Twitch said no (bad/revoked token, bad client id); retrying the same request will not help.
 * - `unavailable`: network, timeout, 5xx, 429 or an unreadable answer; try again later, keep the token.
 * - `expired` / `denied` / `timeout`: an interactive login ran out of time or the user said no.
 * - `no_token`: nobody has logged in (or the token is gone for good and the fallback is `stop`).
 * - `token_file`: the token file cannot be read or parsed.
 * Messages say what Twitch answered; they never contain a token or secret.
 */
import { redactSecrets } from '../log.js';

export type AuthErrorKind = 'rejected' | 'unavailable' | 'expired' | 'denied' | 'timeout' | 'no_token' | 'token_file';

export class AuthError extends Error {
  /** The CLI exits with this code. */
  readonly exitCode = 1;

  constructor(
    readonly kind: AuthErrorKind,
    message: string,
    /** HTTP status Twitch answered with, when there was one. */
    readonly status: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(redactSecrets(message), options);
    this.name = 'AuthError';
  }
}

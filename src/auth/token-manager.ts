// Keeps the collector's Twitch token alive: validates it at start and every hour (Twitch requires both),
// refreshes it before it expires and whenever Twitch rejects it, persists every rotated refresh token
// (public-client refresh tokens are single-use), and when the token is gone for good switches to the
// configured fallback — anonymous read-only collection, or stop — loudly. A network outage is not a lost
// token: the current token is kept and the failed step retried with back-off.
import { EventEmitter } from 'node:events';
import type { Logger } from '../log.js';
import type { SaltmineConfig, TokenLostFallback } from '../config.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { AuthError } from './errors.js';
import { TokenFile, tokenFromGrant, type StoredToken } from './token-file.js';
import { TwitchIdClient, type TokenValidation } from './twitch-id.js';

export interface AuthStatus {
  /** `user`: a valid user token; `anonymous`: read-only (justinfan); `stopped`: token lost and fallback is `stop`. */
  mode: 'user' | 'anonymous' | 'stopped';
  login: string | null;
  userId: string | null;
  scopes: string[];
  /** Milliseconds since the epoch. */
  expiresAt: number | null;
}

export interface TokenLost {
  reason: string;
  fallback: TokenLostFallback;
}

export interface TokenManagerEvents {
  refreshed: [AuthStatus];
  validated: [AuthStatus];
  lost: [TokenLost];
}

export interface TokenManagerOptions {
  client: TwitchIdClient;
  tokenFile: TokenFile;
  /** From the configuration; the token's own client id is used when this is null. */
  clientId: string | null;
  clientSecret: string | null;
  fallback: TokenLostFallback;
  log: Logger;
  clock?: Clock;
  /** Twitch: "validate … when it starts and on an hourly basis thereafter". */
  validateIntervalMs?: number;
  /** Refresh this long before the token expires. */
  refreshMarginMs?: number;
  /** Back-off for retries after a network failure, doubling from min to max. */
  retryMinMs?: number;
  retryMaxMs?: number;
}

const HOUR = 3_600_000;

export class TokenManager extends EventEmitter<TokenManagerEvents> {
  private readonly client: TwitchIdClient;
  private readonly tokenFile: TokenFile;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly validateIntervalMs: number;
  private readonly refreshMarginMs: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private token: StoredToken | null = null;
  private mode: AuthStatus['mode'] = 'anonymous';
  private timer: TimerHandle | null = null;
  private refreshing: Promise<boolean> | null = null;
  private nextValidationAt = 0;
  private retryAt = 0;
  private failures = 0;
  /** Why a refresh is owed: set when one failed for a passing reason, so the timer tries again. */
  private pendingRefresh: string | null = null;
  private running = false;

  constructor(private readonly options: TokenManagerOptions) {
    super();
    this.client = options.client;
    this.tokenFile = options.tokenFile;
    this.clock = options.clock ?? systemClock;
    this.log = options.log;
    this.validateIntervalMs = options.validateIntervalMs ?? HOUR;
    this.refreshMarginMs = options.refreshMarginMs ?? 5 * 60_000;
    this.retryMinMs = options.retryMinMs ?? 30_000;
    this.retryMaxMs = options.retryMaxMs ?? 15 * 60_000;
  }

  static fromConfig(config: Readonly<SaltmineConfig>, log: Logger, clock?: Clock): TokenManager {
    return new TokenManager({
      client: new TwitchIdClient({ baseUrl: config.auth.idUrl }),
      tokenFile: new TokenFile(config.auth.tokenFile),
      clientId: config.auth.clientId,
      clientSecret: config.auth.clientSecret,
      fallback: config.auth.fallback,
      log,
      ...(clock ? { clock } : {}),
    });
  }

  get status(): AuthStatus {
    const token = this.mode === 'user' ? this.token : null;
    return { mode: this.mode, login: token?.login ?? null, userId: token?.userId ?? null, scopes: token ? [...token.scopes] : [], expiresAt: token?.expiresAt ?? null };
  }

  /**
   * Loads and validates the stored token. Never rejects because of a missing, damaged or dead token when the
   * fallback is `anonymous`; with `stop` it rejects with AuthError, since the collector must not start.
   */
  async start(): Promise<AuthStatus> {
    this.running = true;
    let stored: StoredToken | null;
    try {
      const { token, warnings } = this.tokenFile.read();
      for (const warning of warnings) this.log.warn(warning);
      stored = token;
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      this.lose(err.message);
      return this.afterStart();
    }
    if (stored === null) {
      if (this.options.fallback === 'stop') {
        this.mode = 'stopped';
        this.running = false;
        throw new AuthError('no_token', `no Twitch token at ${this.tokenFile.label} and auth.fallback is "stop": run \`saltmine auth login\` first`);
      }
      this.log.warn(`no Twitch token at ${this.tokenFile.label}: collecting anonymously (read-only). Run \`saltmine auth login\` to sign in.`);
      this.mode = 'anonymous';
      return this.status;
    }
    this.token = stored;
    this.mode = 'user';
    if (this.options.clientId !== null && this.options.clientId !== stored.clientId) {
      this.log.warn(`${this.tokenFile.label} was issued to another application than auth.clientId; it is refreshed with its own client id`);
    }
    await this.validateNow();
    return this.afterStart();
  }

  private afterStart(): AuthStatus {
    if (this.mode === 'stopped') {
      this.running = false;
      throw new AuthError('no_token', 'the Twitch token is unusable and auth.fallback is "stop"; run `saltmine auth login`');
    }
    this.schedule();
    return this.status;
  }

  /** Stops every timer. In-flight requests finish, but nothing new is scheduled. */
  stop(): void {
    this.running = false;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
  }

  /** The access token to log in with (no `oauth:` prefix), refreshed first if it is about to expire; null = anonymous. */
  async getToken(): Promise<string | null> {
    if (this.mode !== 'user' || this.token === null) return null;
    if (this.refreshDue()) await this.refresh('the token expires soon');
    return this.mode === 'user' ? (this.token?.accessToken ?? null) : null;
  }

  /**
   * Twitch rejected the token (IRC "Login authentication failed", HTTP 401): refresh it. Resolves to the new
   * token, or null to connect anonymously for now (token lost, or Twitch unreachable — then a later refresh
   * emits 'refreshed'). Pass the rejected token so that a rejection of an already replaced token costs nothing.
   */
  async handleAuthFailure(rejectedToken?: string): Promise<string | null> {
    if (this.mode !== 'user' || this.token === null) return null;
    if (rejectedToken !== undefined && rejectedToken !== this.token.accessToken) return this.token.accessToken;
    const refreshed = await this.refresh('Twitch rejected the token');
    return refreshed && this.mode === 'user' ? (this.token?.accessToken ?? null) : null;
  }

  /** The configured secret belongs to the configured client id; a token of another application gets none. */
  private clientSecretFor(token: StoredToken): string | null {
    return this.options.clientId === null || this.options.clientId === token.clientId ? this.options.clientSecret : null;
  }

  private refreshDue(): boolean {
    return this.token?.expiresAt != null && this.clock.now() >= this.token.expiresAt - this.refreshMarginMs;
  }

  /** One refresh at a time: a second caller waits for the first (refresh tokens are single-use). */
  private refresh(reason: string): Promise<boolean> {
    this.refreshing ??= this.refreshOnce(reason).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** Another process (`saltmine auth refresh`, a second collector) may have rotated the token since we read it. */
  private adoptNewerStoredToken(): boolean {
    try {
      const { token } = this.tokenFile.read();
      if (token === null || this.token === null || token.obtainedAt <= this.token.obtainedAt) return false;
      this.token = token;
      this.log.info(`${this.tokenFile.label} holds a newer token (refreshed elsewhere); using it`);
      return true;
    } catch (err) {
      this.log.warn(`cannot re-read ${this.tokenFile.label}: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  private async refreshOnce(reason: string): Promise<boolean> {
    if (this.token === null) return false;
    if (this.adoptNewerStoredToken() && !this.refreshDue()) {
      this.emit('refreshed', this.status);
      return true;
    }
    const current: StoredToken = this.token;
    if (current.refreshToken === null) {
      this.lose(`${reason}, and the stored token has no refresh token`);
      return false;
    }
    this.log.info({ reason }, 'refreshing the Twitch token');
    try {
      // A refresh token is bound to the application it was issued to.
      const grant = await this.client.refresh(current.clientId, this.clientSecretFor(current), current.refreshToken);
      this.token = tokenFromGrant(grant, current.clientId, this.clock.now(), null, current);
    } catch (err) {
      if (err instanceof AuthError && err.kind === 'rejected') {
        if (this.adoptNewerStoredToken()) return this.refreshOnce(reason);
        this.lose(`${reason}, and Twitch refused the refresh token (${err.message})`);
        return false;
      }
      this.pendingRefresh = reason;
      this.backOff(`cannot refresh the Twitch token (${err instanceof Error ? err.message : String(err)})`);
      return false;
    }
    this.persist();
    this.pendingRefresh = null;
    this.failures = 0;
    this.retryAt = 0;
    if (this.running) this.schedule();
    this.log.info({ login: this.token.login, expiresAt: this.token.expiresAt }, 'Twitch token refreshed');
    this.emit('refreshed', this.status);
    return true;
  }

  /** The old refresh token is spent now: failing to save the new one is serious, but the token in memory still works. */
  private persist(): void {
    if (this.token === null) return;
    try {
      this.tokenFile.write(this.token);
    } catch (err) {
      this.log.error(`${err instanceof Error ? err.message : String(err)}: the refreshed token lives in memory only; after a restart \`saltmine auth login\` will be needed`);
    }
  }

  private async validateNow(): Promise<void> {
    if (this.token === null) return;
    let result: TokenValidation | null;
    try {
      result = await this.client.validate(this.token.accessToken);
    } catch (err) {
      if (err instanceof AuthError && err.kind === 'rejected') {
        this.lose(`token validation failed (${err.message})`);
        return;
      }
      this.backOff(`cannot validate the Twitch token (${err instanceof Error ? err.message : String(err)}); keeping it`);
      return;
    }
    this.nextValidationAt = this.clock.now() + this.validateIntervalMs;
    if (result === null) {
      await this.refresh('token validation answered 401');
      return;
    }
    this.failures = 0;
    this.retryAt = 0;
    this.applyValidation(result);
    this.emit('validated', this.status);
  }

  private applyValidation(result: TokenValidation): void {
    if (this.token === null) return;
    const updated: StoredToken = {
      ...this.token,
      login: result.login ?? this.token.login,
      userId: result.userId ?? this.token.userId,
      scopes: result.scopes,
      expiresAt: this.clock.now() + result.expiresIn * 1000,
    };
    if (!result.scopes.includes('chat:read')) this.log.warn({ scopes: result.scopes }, 'the Twitch token lacks the chat:read scope: run `saltmine auth login` again');
    const identityChanged = updated.login !== this.token.login || updated.userId !== this.token.userId;
    this.token = updated;
    if (identityChanged) this.persist();
  }

  private backOff(message: string): void {
    this.failures++;
    const delay = Math.min(this.retryMinMs * 2 ** (this.failures - 1), this.retryMaxMs);
    this.retryAt = this.clock.now() + delay;
    this.log.warn({ retryInMs: delay }, message);
    if (this.running) this.schedule();
  }

  /** The token is gone for good: switch to the fallback and say so loudly. */
  private lose(reason: string): void {
    const fallback = this.options.fallback;
    this.token = null;
    this.pendingRefresh = null;
    this.mode = fallback === 'anonymous' ? 'anonymous' : 'stopped';
    this.stop();
    this.log.error(
      { reason, fallback },
      fallback === 'anonymous'
        ? `TWITCH TOKEN LOST (${reason}): collection CONTINUES ANONYMOUSLY (read-only). Run \`saltmine auth login\` to sign in again.`
        : `TWITCH TOKEN LOST (${reason}): stopping, as auth.fallback is "stop". Run \`saltmine auth login\`, then start again.`,
    );
    this.emit('lost', { reason, fallback });
  }

  /** One timer: the earliest of the next validation and the refresh deadline, pushed back while retrying. */
  private schedule(): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    if (!this.running || this.token === null || this.mode !== 'user') return;
    const refreshAt = this.pendingRefresh !== null ? 0 : this.token.expiresAt === null ? Infinity : this.token.expiresAt - this.refreshMarginMs;
    const at = Math.max(Math.min(this.nextValidationAt, refreshAt), this.retryAt);
    this.timer = this.clock.setTimer(() => void this.tick(), Math.max(0, at - this.clock.now()));
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (!this.running || this.token === null) return;
    try {
      if (this.pendingRefresh !== null) await this.refresh(this.pendingRefresh);
      else if (this.refreshDue()) await this.refresh('the token expires soon');
      else if (this.clock.now() >= this.nextValidationAt) await this.validateNow();
    } catch (err) {
      this.log.error({ err }, 'unexpected error while maintaining the Twitch token');
      this.backOff('retrying the token check');
    }
    this.schedule();
  }
}

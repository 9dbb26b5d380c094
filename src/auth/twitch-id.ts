// The Twitch identity server (id.twitch.tv): the five requests saltmine makes, each bounded by a timeout.
// Requests and answers as documented (twitch-protocol.md §4); secrets travel only in bodies and headers,
// never in URLs, so they cannot leak into access logs or error messages.
import { registerSecret } from '../log.js';
import { AuthError } from './errors.js';

export const CHAT_SCOPES = ['chat:read', 'chat:edit'] as const;

export interface DeviceCode {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  /** Seconds until the device code expires. */
  expiresIn: number;
  /** Seconds to wait between polls. */
  interval: number;
}

export interface TokenGrant {
  accessToken: string;
  refreshToken: string | null;
  /** Seconds; null when Twitch did not say. */
  expiresIn: number | null;
  scopes: string[];
}

export interface TokenValidation {
  clientId: string;
  login: string | null;
  userId: string | null;
  scopes: string[];
  expiresIn: number;
}

/** One poll of the device-code grant. */
export type DevicePoll = { kind: 'token'; grant: TokenGrant } | { kind: 'pending' } | { kind: 'slow_down' } | { kind: 'expired' } | { kind: 'denied' };

export interface TwitchIdClientOptions {
  /** `https://id.twitch.tv`, or a fake / proxy. */
  baseUrl: string;
  /** Per request, including reading the body. */
  timeoutMs?: number;
}

type Answer = { status: number; body: Record<string, unknown> | null };

const asString = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const asNumber = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const asStrings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string') : []);

/** Twitch's error text: `{"status":400,"message":"…"}`, or the OAuth `{"error":"…"}` form. */
function twitchMessage(answer: Answer): string {
  const text = asString(answer.body?.['message']) ?? asString(answer.body?.['error']) ?? '(no message)';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export class TwitchIdClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;

  constructor(options: TwitchIdClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  private async request(what: string, method: 'GET' | 'POST', path: string, form: Record<string, string> | null, headers: Record<string, string> = {}): Promise<Answer> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.baseUrl + path, {
        method,
        headers: { accept: 'application/json', ...headers },
        body: form === null ? null : new URLSearchParams(form),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      const reason = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : describeNetworkError(err);
      throw new AuthError('unavailable', `${what}: cannot reach the Twitch identity server at ${this.baseUrl} (${reason})`);
    }
    let body: Record<string, unknown> | null = null;
    if (text.trim() !== '') {
      try {
        const parsed: unknown = JSON.parse(text);
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
      } catch {
        body = null; // not JSON (a proxy's HTML error page, say): judged by the status alone below
      }
    }
    return { status: response.status, body };
  }

  /** Throws the right AuthError for a non-2xx answer. */
  private fail(what: string, answer: Answer): never {
    const transient = answer.status >= 500 || answer.status === 429 || answer.status === 408;
    throw new AuthError(transient ? 'unavailable' : 'rejected', `${what}: Twitch answered ${answer.status} ${twitchMessage(answer)}`, answer.status);
  }

  private grantFrom(what: string, answer: Answer): TokenGrant {
    const accessToken = asString(answer.body?.['access_token']);
    if (accessToken === null) throw new AuthError('unavailable', `${what}: Twitch answered ${answer.status} without an access token`, answer.status);
    const refreshToken = asString(answer.body?.['refresh_token']);
    registerSecret(accessToken);
    registerSecret(refreshToken);
    const scope = answer.body?.['scope'];
    return {
      accessToken,
      refreshToken,
      expiresIn: asNumber(answer.body?.['expires_in']),
      scopes: typeof scope === 'string' ? scope.split(' ').filter((s) => s !== '') : asStrings(scope),
    };
  }

  /** POST /oauth2/device: starts the device-code grant. */
  async requestDeviceCode(clientId: string, scopes: readonly string[] = CHAT_SCOPES): Promise<DeviceCode> {
    const what = 'device authorization';
    const answer = await this.request(what, 'POST', '/oauth2/device', { client_id: clientId, scopes: scopes.join(' ') });
    if (answer.status !== 200) this.fail(what, answer);
    const deviceCode = asString(answer.body?.['device_code']);
    const userCode = asString(answer.body?.['user_code']);
    const verificationUri = asString(answer.body?.['verification_uri']);
    if (deviceCode === null || userCode === null || verificationUri === null) {
      throw new AuthError('unavailable', `${what}: Twitch's answer lacks device_code, user_code or verification_uri`, answer.status);
    }
    registerSecret(deviceCode);
    return { deviceCode, userCode, verificationUri, expiresIn: asNumber(answer.body?.['expires_in']) ?? 1800, interval: asNumber(answer.body?.['interval']) ?? 5 };
  }

  /** POST /oauth2/token with the device code: one poll. */
  async pollDeviceToken(clientId: string, deviceCode: string, scopes: readonly string[] = CHAT_SCOPES): Promise<DevicePoll> {
    const what = 'device token poll';
    const answer = await this.request(what, 'POST', '/oauth2/token', {
      client_id: clientId,
      scopes: scopes.join(' '),
      device_code: deviceCode,
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    });
    if (answer.status === 200) return { kind: 'token', grant: this.grantFrom(what, answer) };
    if (answer.status === 400) {
      const message = twitchMessage(answer).toLowerCase();
      if (message.includes('authorization_pending')) return { kind: 'pending' };
      if (message.includes('slow_down')) return { kind: 'slow_down' };
      // Twitch answers "invalid device code" for a spent or expired code; RFC 8628 says expired_token.
      if (message.includes('invalid device code') || message.includes('expired_token') || message.includes('expired')) return { kind: 'expired' };
      if (message.includes('access_denied') || message.includes('denied')) return { kind: 'denied' };
    }
    this.fail(what, answer);
  }

  /** POST /oauth2/token with an authorization code (the browser flow). */
  async exchangeCode(clientId: string, clientSecret: string, code: string, redirectUri: string): Promise<TokenGrant> {
    const what = 'authorization code exchange';
    const answer = await this.request(what, 'POST', '/oauth2/token', {
      client_id: clientId,
      client_secret: clientSecret,
      code,
      grant_type: 'authorization_code',
      redirect_uri: redirectUri,
    });
    if (answer.status !== 200) this.fail(what, answer);
    return this.grantFrom(what, answer);
  }

  /** POST /oauth2/token with a refresh token. The answer's refresh token replaces the old one (single-use for public clients). */
  async refresh(clientId: string, clientSecret: string | null, refreshToken: string): Promise<TokenGrant> {
    const what = 'token refresh';
    const form: Record<string, string> = { client_id: clientId, grant_type: 'refresh_token', refresh_token: refreshToken };
    if (clientSecret !== null) form['client_secret'] = clientSecret;
    const answer = await this.request(what, 'POST', '/oauth2/token', form);
    if (answer.status !== 200) this.fail(what, answer);
    return this.grantFrom(what, answer);
  }

  /** GET /oauth2/validate: the token's owner, scopes and remaining lifetime; null when Twitch says 401 (invalid or expired). */
  async validate(accessToken: string): Promise<TokenValidation | null> {
    const what = 'token validation';
    const answer = await this.request(what, 'GET', '/oauth2/validate', null, { authorization: `OAuth ${accessToken}` });
    if (answer.status === 401) return null;
    if (answer.status !== 200) this.fail(what, answer);
    const clientId = asString(answer.body?.['client_id']);
    const expiresIn = asNumber(answer.body?.['expires_in']);
    if (clientId === null || expiresIn === null) throw new AuthError('unavailable', `${what}: Twitch's answer lacks client_id or expires_in`, answer.status);
    return { clientId, login: asString(answer.body?.['login']), userId: asString(answer.body?.['user_id']), scopes: asStrings(answer.body?.['scopes']), expiresIn };
  }

  /** POST /oauth2/revoke. A token Twitch already considers invalid counts as revoked. */
  async revoke(clientId: string, token: string): Promise<'revoked' | 'already_invalid'> {
    const what = 'token revocation';
    const answer = await this.request(what, 'POST', '/oauth2/revoke', { client_id: clientId, token });
    if (answer.status === 200) return 'revoked';
    if (answer.status === 400 && twitchMessage(answer).toLowerCase().includes('invalid token')) return 'already_invalid';
    this.fail(what, answer);
  }
}

function describeNetworkError(err: unknown): string {
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code !== undefined) return cause.code;
  return err instanceof Error ? (cause?.message ?? err.message) : String(err);
}

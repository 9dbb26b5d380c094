// A fake Twitch identity server on loopback: the documented requests and error bodies of
// /oauth2/device, /oauth2/token (device code, refresh token, authorization code), /oauth2/validate,
// /oauth2/revoke and /oauth2/authorize (twitch-protocol.md §4). Tests script the user's side
// (pending, slow_down, approve, deny, expire) and outages (status codes, hung requests).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

/** Every secret this server issues starts with this, so test output can be searched for leaks. */
export const SECRET_MARK = 'zzsecret';
export const CLIENT_ID = 'fakeclientid0000000000000000';
export const CLIENT_SECRET = `${SECRET_MARK}clientsecret0000000000`;

export type DeviceStep = 'pending' | 'slow_down' | 'approve' | 'deny' | 'expire';

interface AccessToken { login: string; userId: string; scopes: string[]; expiresAt: number; clientId: string; revoked: boolean }
interface RefreshToken { login: string; userId: string; scopes: string[]; clientId: string; spent: boolean }
export interface RecordedRequest { method: string; path: string; form: Record<string, string>; authorization: string | null }
type Fault = { status: number } | 'hang';

const secret = (): string => SECRET_MARK + randomBytes(12).toString('hex');

export class FakeTwitchId {
  readonly requests: RecordedRequest[] = [];
  /** Consumed one per device-token poll; when empty, the answer is authorization_pending. */
  deviceSteps: DeviceStep[] = [];
  /** What the user does on the authorize page of the browser flow. */
  authorizeOutcome: 'approve' | 'deny' = 'approve';
  /** Device code lifetime and poll interval in seconds (Twitch: 1800 and 5). */
  deviceExpiresInS = 1800;
  deviceIntervalS = 5;
  /** Access token lifetime in seconds (Twitch: about 4 h). */
  tokenLifetimeS = 14_124;
  login = 'saltbot';
  userId = '141981764';
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, RefreshToken>();
  private readonly devices = new Map<string, { spent: boolean; scopes: string[] }>();
  private readonly codes = new Map<string, { redirectUri: string; scopes: string[] }>();
  private readonly faults = new Map<string, Fault[]>();
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  baseUrl = '';

  constructor(private readonly now: () => number = Date.now) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `count` requests to `path` fail this way (a status code, or no answer at all). */
  failNext(path: string, fault: Fault, count = 1): void {
    const queue = this.faults.get(path) ?? [];
    for (let i = 0; i < count; i++) queue.push(fault);
    this.faults.set(path, queue);
  }

  /** A token pair as if the user had logged in earlier. */
  issue(scopes: string[] = ['chat:read', 'chat:edit']): { accessToken: string; refreshToken: string; expiresIn: number } {
    const accessToken = secret();
    const refreshToken = secret();
    const owner = { login: this.login, userId: this.userId, scopes, clientId: CLIENT_ID };
    this.access.set(accessToken, { ...owner, expiresAt: this.now() + this.tokenLifetimeS * 1000, revoked: false });
    this.refresh.set(refreshToken, { ...owner, spent: false });
    return { accessToken, refreshToken, expiresIn: this.tokenLifetimeS };
  }

  /** The user disconnected the app (or changed their password): every token stops working. */
  revokeAll(): void {
    for (const token of this.access.values()) token.revoked = true;
    for (const token of this.refresh.values()) token.spent = true;
  }

  isAccessValid(token: string): boolean {
    const entry = this.access.get(token);
    return entry !== undefined && !entry.revoked && entry.expiresAt > this.now();
  }

  isRefreshUsable(token: string): boolean {
    return this.refresh.get(token)?.spent === false;
  }

  /** Every secret issued so far, to search output for. */
  secrets(): string[] {
    return [...this.access.keys(), ...this.refresh.keys(), ...this.devices.keys(), ...this.codes.keys(), CLIENT_SECRET];
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    this.requests.push({ method: req.method ?? '', path: url.pathname, form, authorization: req.headers.authorization ?? null });
    const fault = this.faults.get(url.pathname)?.shift();
    if (fault === 'hang') return; // never answered; the client's timeout must end it
    if (fault !== undefined) return json(res, fault.status, { status: fault.status, message: 'Service Unavailable' });
    const route = `${req.method} ${url.pathname}`;
    if (route === 'POST /oauth2/device') return this.device(res, form);
    if (route === 'POST /oauth2/token') return this.token(res, form);
    if (route === 'GET /oauth2/validate') return this.validate(res, req.headers.authorization ?? '');
    if (route === 'POST /oauth2/revoke') return this.revoke(res, form);
    if (route === 'GET /oauth2/authorize') return this.authorize(res, url.searchParams);
    json(res, 404, { status: 404, message: 'Not Found' });
  }

  private device(res: ServerResponse, form: Record<string, string>): void {
    if (form['client_id'] !== CLIENT_ID) return json(res, 400, { status: 400, message: 'invalid client' });
    const deviceCode = secret();
    this.devices.set(deviceCode, { spent: false, scopes: (form['scopes'] ?? '').split(' ') });
    json(res, 200, { device_code: deviceCode, expires_in: this.deviceExpiresInS, interval: this.deviceIntervalS, user_code: 'ABCDEFGH', verification_uri: 'https://www.twitch.tv/activate?public=true&device-code=ABCDEFGH' });
  }

  private token(res: ServerResponse, form: Record<string, string>): void {
    if (form['client_id'] !== CLIENT_ID) return json(res, 400, { status: 400, message: 'invalid client' });
    switch (form['grant_type']) {
      case 'urn:ietf:params:oauth:grant-type:device_code':
        return this.deviceToken(res, form);
      case 'refresh_token':
        return this.refreshToken(res, form['refresh_token'] ?? '');
      case 'authorization_code': {
        const code = this.codes.get(form['code'] ?? '');
        if (form['client_secret'] !== CLIENT_SECRET) return json(res, 403, { status: 403, message: 'invalid client secret' });
        if (code === undefined || code.redirectUri !== form['redirect_uri']) return json(res, 400, { status: 400, message: 'Invalid authorization code' });
        this.codes.delete(form['code']!);
        return this.grant(res, code.scopes);
      }
      default:
        return json(res, 400, { status: 400, message: 'unsupported grant type' });
    }
  }

  private deviceToken(res: ServerResponse, form: Record<string, string>): void {
    const device = this.devices.get(form['device_code'] ?? '');
    if (device === undefined || device.spent || form['scopes'] === undefined) return json(res, 400, { status: 400, message: 'invalid device code' });
    const step = this.deviceSteps.shift() ?? 'pending';
    if (step === 'pending') return json(res, 400, { status: 400, message: 'authorization_pending' });
    if (step === 'slow_down') return json(res, 400, { status: 400, message: 'slow_down' });
    device.spent = true;
    if (step === 'expire') return json(res, 400, { status: 400, message: 'invalid device code' });
    // Twitch's text for a refusal is undocumented; RFC 8628 calls it access_denied.
    if (step === 'deny') return json(res, 400, { status: 400, message: 'access_denied' });
    this.grant(res, device.scopes);
  }

  private refreshToken(res: ServerResponse, token: string): void {
    const entry = this.refresh.get(token);
    if (entry === undefined || entry.spent) return json(res, 400, { error: 'Bad Request', status: 400, message: 'Invalid refresh token' });
    entry.spent = true; // public-client refresh tokens are single-use
    this.grant(res, entry.scopes);
  }

  private grant(res: ServerResponse, scopes: string[]): void {
    const pair = this.issue(scopes);
    json(res, 200, { access_token: pair.accessToken, expires_in: pair.expiresIn, refresh_token: pair.refreshToken, scope: scopes, token_type: 'bearer' });
  }

  private validate(res: ServerResponse, authorization: string): void {
    const token = authorization.replace(/^(OAuth|Bearer)\s+/i, '');
    const entry = this.access.get(token);
    if (entry === undefined || !this.isAccessValid(token)) return json(res, 401, { status: 401, message: 'invalid access token' });
    json(res, 200, { client_id: entry.clientId, login: entry.login, scopes: entry.scopes, user_id: entry.userId, expires_in: Math.floor((entry.expiresAt - this.now()) / 1000) });
  }

  private revoke(res: ServerResponse, form: Record<string, string>): void {
    if (form['client_id'] !== CLIENT_ID) return json(res, 404, { status: 404, message: 'client does not exist' });
    const token = form['token'] ?? '';
    const access = this.access.get(token);
    const refresh = this.refresh.get(token);
    if (access !== undefined && !access.revoked) access.revoked = true;
    else if (refresh !== undefined && !refresh.spent) refresh.spent = true;
    else return json(res, 400, { status: 400, message: 'Invalid token' });
    res.writeHead(200).end();
  }

  private authorize(res: ServerResponse, params: URLSearchParams): void {
    const redirectUri = params.get('redirect_uri') ?? '';
    const target = new URL(redirectUri);
    if (params.get('client_id') !== CLIENT_ID || params.get('response_type') !== 'code') return json(res, 400, { status: 400, message: 'invalid request' });
    if (this.authorizeOutcome === 'deny') {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'The user denied you access');
    } else {
      const code = secret();
      this.codes.set(code, { redirectUri, scopes: (params.get('scope') ?? '').split(' ') });
      target.searchParams.set('code', code);
      target.searchParams.set('scope', params.get('scope') ?? '');
    }
    target.searchParams.set('state', params.get('state') ?? '');
    res.writeHead(302, { location: target.toString() }).end();
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

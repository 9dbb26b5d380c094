// The authorization-code grant with a loopback redirect (http://localhost:3000, as the seed registered it):
// for confidential clients that prefer a browser. Unlike the seed: a random `state` is checked, an error
// from Twitch ends the flow, and the whole flow is bounded by a timeout.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError } from './errors.js';
import { CHAT_SCOPES, type TokenGrant, type TwitchIdClient } from './twitch-id.js';

export interface BrowserFlowOptions {
  client: TwitchIdClient;
  clientId: string;
  clientSecret: string;
  /** Must match a redirect URL registered for the application; port 0 picks a free port (tests). */
  redirectUri?: string;
  scopes?: readonly string[];
  timeoutMs?: number;
  /** Show (or open) the authorize URL. Called once the loopback server listens. */
  onAuthorizeUrl: (url: string) => void;
  /** Told about requests that did not complete the flow (a stale tab with the wrong state, say). */
  onIgnored?: (message: string) => void;
}

type Outcome = { code: string } | { error: AuthError };

const PAGE = (text: string): string => `<!doctype html><meta charset="utf-8"><title>saltmine</title><p>${text}</p>`;

export async function runBrowserFlow(options: BrowserFlowOptions): Promise<TokenGrant> {
  // Twitch compares the redirect URI with the registered one character by character: send it as given.
  const redirectText = options.redirectUri ?? 'http://localhost:3000';
  const requested = new URL(redirectText);
  if (requested.protocol !== 'http:') throw new AuthError('rejected', `redirect URI ${requested.href} must be http:// on this machine`);
  const state = randomBytes(16).toString('hex');
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  let settle: (outcome: Outcome) => void = () => undefined;
  const outcome = new Promise<Outcome>((resolve) => (settle = resolve));

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', requested);
    const reply = (status: number, text: string): void => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE(text));
    };
    if (url.pathname !== requested.pathname || (!url.searchParams.has('code') && !url.searchParams.has('error'))) {
      return reply(404, 'Not the saltmine sign-in page.');
    }
    if (url.searchParams.get('state') !== state) {
      options.onIgnored?.('a sign-in redirect arrived with the wrong state and was ignored (an old browser tab?)');
      return reply(400, 'This sign-in link is not the one saltmine is waiting for. Use the link printed in the terminal.');
    }
    const error = url.searchParams.get('error');
    if (error !== null) {
      reply(200, 'Sign-in declined. You can close this tab.');
      const kind = error === 'access_denied' ? 'denied' : 'rejected';
      return settle({ error: new AuthError(kind, `Twitch answered the sign-in with ${error}: ${url.searchParams.get('error_description') ?? ''}`.trim()) });
    }
    reply(200, 'Signed in. You can close this tab and return to the terminal.');
    settle({ code: url.searchParams.get('code')! });
  });

  const host = requested.hostname === 'localhost' ? '127.0.0.1' : requested.hostname.replace(/^\[|\]$/g, '');
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new AuthError('unavailable', `cannot listen on ${host}:${requested.port || 80} for the sign-in redirect (${err.code ?? err.message})`)));
    server.listen(Number(requested.port || 80), host, resolve);
  });
  const redirectUri = requested.port === '0' ? redirectText.replace(/:0(?=\/|$)/, `:${(server.address() as AddressInfo).port}`) : redirectText;

  const timer = setTimeout(() => settle({ error: new AuthError('timeout', `no sign-in within ${Math.round(timeoutMs / 1000)} s; run \`saltmine auth login --browser\` again`) }), timeoutMs);
  try {
    const authorize = new URL(`${options.client.baseUrl}/oauth2/authorize`);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: options.clientId,
      redirect_uri: redirectUri,
      scope: (options.scopes ?? CHAT_SCOPES).join(' '),
      state,
    }).toString();
    options.onAuthorizeUrl(authorize.href);
    const result = await outcome;
    if ('error' in result) throw result.error;
    return await options.client.exchangeCode(options.clientId, options.clientSecret, result.code, redirectUri);
  } finally {
    clearTimeout(timer);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

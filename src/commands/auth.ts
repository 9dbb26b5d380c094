// `saltmine auth login | status | refresh | logout`: sign in to Twitch once, keep the token in
// keyz/token.json (mode 0600), and look after it. Output never contains a token or secret.
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { addConfigOptions, configOptions, displayPath, loadConfig, type SaltmineConfig } from '../config.js';
import { runBrowserFlow } from '../auth/browser-flow.js';
import { runDeviceFlow } from '../auth/device-flow.js';
import { AuthError } from '../auth/errors.js';
import { TokenFile, tokenFromGrant, type StoredToken } from '../auth/token-file.js';
import { TwitchIdClient, type TokenGrant, type TokenValidation } from '../auth/twitch-id.js';
import { redactSecrets } from '../log.js';
import { CliError } from './errors.js';
import { intOption } from './options.js';

interface Context {
  config: Readonly<SaltmineConfig>;
  file: TokenFile;
  client: TwitchIdClient;
}

const out = (text: string): void => void process.stdout.write(`${redactSecrets(text)}\n`);
const warn = (text: string): void => void process.stderr.write(`saltmine: warning: ${redactSecrets(text)}\n`);

function context(opts: Record<string, unknown>): Context {
  const config = loadConfig(configOptions(opts));
  return {
    config,
    file: new TokenFile(config.auth.tokenFile, displayPath(config.auth.tokenFile, process.cwd())),
    client: new TwitchIdClient({ baseUrl: config.auth.idUrl }),
  };
}

function readStored(file: TokenFile): StoredToken | null {
  const { token, warnings } = file.read();
  for (const message of warnings) warn(message);
  return token;
}

function requireStored(file: TokenFile): StoredToken {
  const token = readStored(file);
  if (token === null) throw new CliError(`not signed in (no token at ${file.label}); run \`saltmine auth login\``, 1);
  return token;
}

export function formatDuration(ms: number): string {
  if (ms <= 0) return 'now';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.ceil(ms / 1000)} s`;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const parts = [days > 0 ? `${days} d` : '', hours > 0 ? `${hours} h` : '', minutes % 60 > 0 && days === 0 ? `${minutes % 60} min` : ''];
  return parts.filter((p) => p !== '').join(' ');
}

function describe(token: StoredToken, validation: TokenValidation | null): string[] {
  const expiresAt = validation === null ? token.expiresAt : Date.now() + validation.expiresIn * 1000;
  return [
    `login: ${validation?.login ?? token.login ?? '(unknown)'} (user id ${validation?.userId ?? token.userId ?? 'unknown'})`,
    `scopes: ${(validation?.scopes ?? token.scopes).join(' ') || '(none)'}`,
    `expires: ${expiresAt === null ? 'unknown' : `in ${formatDuration(expiresAt - Date.now())} (${new Date(expiresAt).toISOString()})`}`,
    `client id: ${token.clientId}`,
  ];
}

/** Best effort: the link is printed anyway, so a missing opener only costs a warning. */
function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]] : ['xdg-open', [url]];
  const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', () => warn(`could not start ${command}; open the link above by hand`));
  child.unref();
}

async function login(opts: Record<string, unknown>): Promise<void> {
  const { config, file, client } = context(opts);
  const clientId = config.auth.clientId;
  if (clientId === null) {
    throw new CliError('no Twitch client id: set auth.clientId in config/config.json, SALTMINE_CLIENT_ID, client_id= in keyz/credentials.key, or --client-id', 2);
  }
  let grant: TokenGrant;
  if (opts['browser'] === true) {
    if (config.auth.clientSecret === null) {
      throw new CliError('--browser needs the client secret (auth.clientSecret, SALTMINE_CLIENT_SECRET or client_secret= in keyz/credentials.key); the default device flow does not', 2);
    }
    const timeoutS = intOption(String(opts['timeout'] ?? '300'), '--timeout', 1, 3600);
    grant = await runBrowserFlow({
      client,
      clientId,
      clientSecret: config.auth.clientSecret,
      redirectUri: String(opts['redirectUri'] ?? 'http://localhost:3000'),
      timeoutMs: timeoutS * 1000,
      onIgnored: warn,
      onAuthorizeUrl: (url) => {
        process.stdout.write(`Sign in to Twitch in your browser:\n  ${url}\n(waiting up to ${formatDuration(timeoutS * 1000)})\n`);
        if (opts['open'] !== false) openInBrowser(url);
      },
    });
  } else {
    grant = await runDeviceFlow({
      client,
      clientId,
      onRetry: warn,
      // Printed as is: the user code and activation link are meant for the user and expire in minutes.
      onCode: (code) => process.stdout.write(`To sign in, open ${code.verificationUri}\nand enter the code ${code.userCode}\n(waiting up to ${formatDuration(code.expiresIn * 1000)}; Ctrl-C to cancel)\n`),
    });
  }
  let validation: TokenValidation | null = null;
  try {
    validation = await client.validate(grant.accessToken);
  } catch (err) {
    warn(`signed in, but could not look the token up: ${err instanceof Error ? err.message : String(err)}`);
  }
  const token = tokenFromGrant(grant, clientId, Date.now(), validation);
  file.write(token);
  out(`Signed in; token saved to ${file.label} (mode 600).`);
  for (const line of describe(token, null)) out(`  ${line}`);
  if (config.nickname !== null && token.login !== null && config.nickname !== token.login) {
    warn(`nickname is "${config.nickname}" but the token belongs to "${token.login}"; Twitch needs NICK to be the token's login`);
  }
}

async function status(opts: Record<string, unknown>): Promise<void> {
  const { file, client } = context(opts);
  const token = requireStored(file);
  const validation = await client.validate(token.accessToken);
  if (opts['json'] === true) {
    const shown = describeJson(token, validation, file.label);
    out(JSON.stringify(shown));
  } else {
    out(validation === null ? `token in ${file.label} is NOT valid any more (expired or revoked)` : `signed in; token in ${file.label} is valid`);
    for (const line of describe(token, validation)) out(`  ${line}`);
  }
  if (validation === null) throw new CliError('the access token is no longer valid; `saltmine auth refresh` may renew it, otherwise `saltmine auth login`', 1);
}

function describeJson(token: StoredToken, validation: TokenValidation | null, tokenFile: string): Record<string, unknown> {
  const expiresAt = validation === null ? token.expiresAt : Date.now() + validation.expiresIn * 1000;
  return {
    valid: validation !== null,
    login: validation?.login ?? token.login,
    userId: validation?.userId ?? token.userId,
    scopes: validation?.scopes ?? token.scopes,
    expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
    clientId: token.clientId,
    tokenFile,
  };
}

async function refresh(opts: Record<string, unknown>): Promise<void> {
  const { config, file, client } = context(opts);
  const token = requireStored(file);
  if (token.refreshToken === null) throw new CliError(`${file.label} has no refresh token; run \`saltmine auth login\``, 1);
  const secret = config.auth.clientId === null || config.auth.clientId === token.clientId ? config.auth.clientSecret : null;
  let grant: TokenGrant;
  try {
    grant = await client.refresh(token.clientId, secret, token.refreshToken);
  } catch (err) {
    if (err instanceof AuthError && err.kind === 'rejected') throw new CliError(`${err.message}; run \`saltmine auth login\` to sign in again`, 1);
    throw err;
  }
  const refreshed = tokenFromGrant(grant, token.clientId, Date.now(), null, token);
  file.write(refreshed); // at once: the old refresh token is spent
  out(`token refreshed and saved to ${file.label}`);
  for (const line of describe(refreshed, null)) out(`  ${line}`);
}

async function logout(opts: Record<string, unknown>): Promise<void> {
  const { file, client } = context(opts);
  const token = readStored(file);
  if (token === null) {
    out(`not signed in (no token at ${file.label}); nothing to do`);
    return;
  }
  try {
    const access = await client.revoke(token.clientId, token.accessToken);
    if (token.refreshToken !== null) await client.revoke(token.clientId, token.refreshToken);
    out(access === 'revoked' ? 'token revoked at Twitch' : 'the token was already invalid at Twitch');
  } catch (err) {
    if (opts['force'] !== true) {
      throw new CliError(`${err instanceof Error ? err.message : String(err)}; the token is still stored in ${file.label}. Try again, or use --force to delete it here anyway`, 1);
    }
    warn(`${err instanceof Error ? err.message : String(err)}; deleting the local copy anyway (--force). Disconnect the app at https://www.twitch.tv/settings/connections to end the grant.`);
  }
  file.delete();
  out(`signed out; ${file.label} deleted`);
}

export function registerAuth(program: Command): void {
  const auth = program.command('auth').description('sign in to Twitch and manage the stored OAuth token');
  const flags = ['config', 'clientId', 'tokenFile'] as const;
  addConfigOptions(
    auth
      .command('login')
      .description('sign in with the device code flow (any terminal, no browser needed here), or --browser')
      .option('--browser', 'authorization code flow with a loopback redirect instead (needs the client secret)')
      .option('--redirect-uri <uri>', 'loopback redirect registered for the application (--browser)', 'http://localhost:3000')
      .option('--timeout <seconds>', 'give up waiting for the browser after this long (--browser)', '300')
      .option('--no-open', 'print the sign-in link without opening a browser (--browser)'),
    flags,
  ).action(login);
  addConfigOptions(auth.command('status').description('validate the stored token and show its login, scopes and expiry').option('--json', 'one JSON object'), flags).action(status);
  addConfigOptions(auth.command('refresh').description('refresh the stored token now and save the new pair'), flags).action(refresh);
  addConfigOptions(
    auth.command('logout').description('revoke the token at Twitch and delete it here').option('--force', 'delete the local token even if Twitch cannot be reached'),
    flags,
  ).action(logout);
}

// The token on disk (default keyz/token.json): created with mode 0600, replaced atomically (temp file,
// fsync, rename) so a crash mid-write leaves the old token or the new one, never half of each.
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { registerSecret } from '../log.js';
import { AuthError } from './errors.js';
import type { TokenGrant, TokenValidation } from './twitch-id.js';

export interface StoredToken {
  accessToken: string;
  /** Single-use for public clients: replaced by every refresh. */
  refreshToken: string | null;
  scopes: string[];
  /** Milliseconds since the epoch; null when unknown. */
  expiresAt: number | null;
  obtainedAt: number;
  /** The application the token belongs to: refreshing needs the same client id. */
  clientId: string;
  login: string | null;
  userId: string | null;
}

const fileSchema = z.object({
  version: z.literal(1),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).nullable(),
  scopes: z.array(z.string()),
  expiresAt: z.iso.datetime().nullable(),
  obtainedAt: z.iso.datetime(),
  clientId: z.string().min(1),
  login: z.string().nullable(),
  userId: z.string().nullable(),
});

/** A freshly granted token as stored; `previous` supplies what a refresh answer leaves out. */
export function tokenFromGrant(grant: TokenGrant, clientId: string, now: number, validation: TokenValidation | null, previous?: StoredToken): StoredToken {
  const expiresIn = validation?.expiresIn ?? grant.expiresIn;
  return {
    accessToken: grant.accessToken,
    refreshToken: grant.refreshToken ?? previous?.refreshToken ?? null,
    scopes: validation?.scopes ?? (grant.scopes.length > 0 ? grant.scopes : (previous?.scopes ?? [])),
    expiresAt: expiresIn === null ? null : now + expiresIn * 1000,
    obtainedAt: now,
    clientId,
    login: validation?.login ?? previous?.login ?? null,
    userId: validation?.userId ?? previous?.userId ?? null,
  };
}

const HINT = 'delete it and run `saltmine auth login` again';

export class TokenFile {
  constructor(
    readonly path: string,
    /** How the path is shown to people (relative to the working directory, usually). */
    readonly label: string = path,
  ) {}

  /**
   * The stored token, or null when there is none. Throws AuthError('token_file') when the file exists but
   * cannot be used; the message names the file and the problem, never its contents.
   */
  read(): { token: StoredToken | null; warnings: string[] } {
    let text: string;
    let mode: number;
    try {
      text = readFileSync(this.path, 'utf8');
      mode = statSync(this.path).mode;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { token: null, warnings: [] };
      throw new AuthError('token_file', `${this.label}: cannot read the token file (${code ?? 'unknown error'})`, null);
    }
    const warnings: string[] = [];
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      warnings.push(`${this.label} can be read by other users (mode ${(mode & 0o777).toString(8)}); run: chmod 600 ${this.label}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new AuthError('token_file', `${this.label}: the token file is not valid JSON (damaged?); ${HINT}`, null);
    }
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const key = issue.path.join('.') || '(top level)';
      throw new AuthError('token_file', `${this.label}: not a saltmine token file (key "${key}": ${issue.message}); ${HINT}`, null);
    }
    const data = parsed.data;
    registerSecret(data.accessToken);
    registerSecret(data.refreshToken);
    return {
      token: {
        accessToken: data.accessToken,
        refreshToken: data.refreshToken,
        scopes: data.scopes,
        expiresAt: data.expiresAt === null ? null : Date.parse(data.expiresAt),
        obtainedAt: Date.parse(data.obtainedAt),
        clientId: data.clientId,
        login: data.login,
        userId: data.userId,
      },
      warnings,
    };
  }

  /** Writes the token atomically with mode 0600 (the directory is created with 0700 if missing). */
  write(token: StoredToken): void {
    const text = JSON.stringify(
      {
        version: 1,
        ...token,
        expiresAt: token.expiresAt === null ? null : new Date(token.expiresAt).toISOString(),
        obtainedAt: new Date(token.obtainedAt).toISOString(),
      },
      null,
      2,
    ) + '\n';
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      const fd = openSync(temp, 'wx', 0o600);
      try {
        fchmodSync(fd, 0o600); // explicit, so the mode does not depend on how openSync and the umask interact
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temp, this.path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
      const failure = new AuthError('token_file', `${this.label}: cannot save the token (${code})`, null, { cause: err });
      try {
        rmSync(temp, { force: true });
      } catch (cleanup) {
        failure.message += `; the temporary file ${temp} is left behind (${(cleanup as NodeJS.ErrnoException).code ?? 'unknown error'})`;
      }
      throw failure;
    }
  }

  /** Removes the file; false when there was none. */
  delete(): boolean {
    try {
      unlinkSync(this.path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new AuthError('token_file', `${this.label}: cannot delete the token file (${(err as NodeJS.ErrnoException).code ?? 'unknown error'})`, null);
    }
  }
}

// Listening: startApi() is what `saltmine serve` and `saltmine run` call.
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { buildApp } from './app.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 5000;

export interface ApiOptions {
  store: Store;
  host?: string;
  /** 0 picks a free port (see `url`). */
  port?: number;
  cors?: boolean | readonly string[];
  log?: Logger | false;
}

export interface RunningApi {
  /** Base URL, e.g. http://127.0.0.1:5000 */
  url: string;
  /** Stops accepting connections and ends open ones; the store stays open (its owner closes it). */
  close(): Promise<void>;
}

export async function startApi(options: ApiOptions): Promise<RunningApi> {
  const app = await buildApp(options.store, { log: options.log ?? false, cors: options.cors ?? false });
  const host = options.host ?? DEFAULT_HOST;
  try {
    await app.listen({ host, port: options.port ?? DEFAULT_PORT });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port ?? DEFAULT_PORT;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    close: async () => {
      // Streaming exports may hold connections open; end them instead of waiting for them.
      app.server.closeAllConnections();
      await app.close();
    },
  };
}

/** Config `api.corsOrigins` → the app's CORS option: `*` allows any origin, an empty list none. */
export function corsFromOrigins(origins: readonly string[]): boolean | readonly string[] {
  if (origins.includes('*')) return true;
  return origins.length > 0 ? origins : false;
}

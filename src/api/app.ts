// The composition root of the HTTP API: a Fastify app built from a store and options, not listening
// (startApi in server.ts listens; tests may inject). Every route has a JSON schema, which validates its
// query, serialises its response and describes it in /openapi.json.
import fastifyCors from '@fastify/cors';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { installErrorHandlers } from './errors.js';
import { CHAT_ROUTES } from './routes/chat.js';
import { COLLECTION_ROUTES } from './routes/collection.js';
import { registerListRoutes, type Endpoint } from './routes/list-route.js';
import { MODERATION_ROUTES } from './routes/moderation.js';
import { MONETIZATION_ROUTES } from './routes/monetization.js';
import { registerPeople } from './routes/people.js';
import { registerRoot } from './routes/root.js';
import { packageVersion } from './version.js';

export interface AppOptions {
  /** Request and error logging; false (the default) logs nothing. */
  log?: Logger | false;
  /** Cross-origin access: false (default) sends no CORS headers, true allows any origin, or a list of origins. */
  cors?: boolean | readonly string[];
}

export async function buildApp(store: Store, options: AppOptions = {}): Promise<FastifyInstance> {
  // Fastify's two lines per request (incoming, completed) only at debug or trace: at the default level they
  // cost more CPU than routing a request, and a busy API would write them thousands of times a second.
  // Errors are logged at any level (errors.ts; a failed export in list-route.ts).
  const accessLog = options.log ? options.log.isLevelEnabled('debug') : false;
  const app = Fastify({
    loggerInstance: options.log ? (options.log as FastifyBaseLogger) : undefined,
    logController: new LogController({ disableRequestLogging: !accessLog }),
    routerOptions: { ignoreTrailingSlash: true },
    // Unknown query parameters must fail (not be stripped), values stay strings (params.ts parses them),
    // and `verbose` gives the offending value to the 400 message.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false, verbose: true } },
    // A research client may ask for a long date range; no request needs a body.
    bodyLimit: 1024,
  });
  const version = packageVersion();
  if (options.cors) {
    await app.register(fastifyCors, { origin: options.cors === true ? '*' : [...options.cors], methods: ['GET', 'HEAD'] });
  }
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Saltmine API', version, description: 'Twitch chat recorded by saltmine. Every list takes the same filters, keyset pagination (`next` → `cursor`) and output formats.' },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const endpoints: Endpoint[] = [];
  endpoints.push(...registerRoot(app, store, version, () => endpoints));
  endpoints.push(...registerListRoutes(app, store, CHAT_ROUTES, 'chat'));
  endpoints.push(...registerListRoutes(app, store, MONETIZATION_ROUTES, 'monetization'));
  endpoints.push(...registerListRoutes(app, store, MODERATION_ROUTES, 'moderation'));
  endpoints.push(...registerPeople(app, store));
  endpoints.push(...registerListRoutes(app, store, COLLECTION_ROUTES, 'collection'));
  installErrorHandlers(app, new Set(endpoints.map((e) => e.path)));
  await app.ready();
  return app;
}

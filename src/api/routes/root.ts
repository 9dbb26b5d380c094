// The index (`/`, `/api`), liveness (`/api/health`) and readiness (`/api/ready`, `/api/health?ready=1`).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../../store/store.js';
import { ERROR_BODY_SCHEMA } from '../errors.js';
import { describeSchemaError, querystringSchema } from '../params.js';
import type { Endpoint } from './list-route.js';

const HEALTH = {
  type: 'object',
  properties: { status: { type: 'string' }, database: { type: 'string' } },
  required: ['status'],
} as const;

export const ROOT_ENDPOINTS: readonly Endpoint[] = [
  { path: '/', summary: 'This index' },
  { path: '/api', summary: 'This index' },
  { path: '/api/health', summary: 'Liveness: {"status":"ok"}; ?ready=1 also checks the database (503 when unreachable)' },
  { path: '/api/ready', summary: 'Readiness: 200 when the database answers, else 503' },
  { path: '/openapi.json', summary: 'OpenAPI 3 description of every route' },
  { path: '/docs', summary: 'Interactive API documentation' },
];

async function readiness(store: Store, reply: FastifyReply): Promise<unknown> {
  let up = false;
  try {
    up = await store.ping();
  } catch (err) {
    reply.log.error({ err }, 'database ping failed');
  }
  if (!up) return reply.code(503).send({ status: 'unavailable', database: 'unreachable' });
  return { status: 'ok', database: 'ok' };
}

export function registerRoot(app: FastifyInstance, store: Store, version: string, endpoints: () => readonly Endpoint[]): Endpoint[] {
  const index = {
    type: 'object',
    properties: { message: { type: 'string' }, version: { type: 'string' }, endpoints: { type: 'object', additionalProperties: { type: 'string' } } },
    required: ['message', 'version', 'endpoints'],
  };
  const noParams = querystringSchema([]);
  for (const path of ['/', '/api']) {
    app.get(path, {
      schema: { summary: 'Index of every route', tags: ['meta'], querystring: noParams, response: { 200: index, 400: ERROR_BODY_SCHEMA } },
      schemaErrorFormatter: (errors) => new Error(describeSchemaError(errors, [])),
    }, async () => ({
      message: 'Saltmine API',
      version,
      endpoints: Object.fromEntries(endpoints().map((e) => [e.path, e.summary])),
    }));
  }
  app.get('/api/health', {
    schema: {
      summary: 'Liveness, or readiness with ?ready=1',
      tags: ['meta'],
      querystring: querystringSchema(['ready']),
      response: { 200: HEALTH, 400: ERROR_BODY_SCHEMA, 503: HEALTH },
    },
    schemaErrorFormatter: (errors) => new Error(describeSchemaError(errors, ['ready'])),
  }, async (request: FastifyRequest, reply: FastifyReply) => {
    const { ready } = request.query as { ready?: string };
    if (ready === '1' || ready === 'true') return readiness(store, reply);
    return { status: 'ok' };
  });
  app.get('/api/ready', {
    schema: { summary: 'Readiness: the database answers', tags: ['meta'], querystring: noParams, response: { 200: HEALTH, 400: ERROR_BODY_SCHEMA, 503: HEALTH } },
    schemaErrorFormatter: (errors) => new Error(describeSchemaError(errors, [])),
  }, async (_request: FastifyRequest, reply: FastifyReply) => readiness(store, reply));
  return [...ROOT_ENDPOINTS];
}

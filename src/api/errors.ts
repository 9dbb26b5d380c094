// API errors carry a status and a public message; the cause of a 500 is logged, never returned.
// Bodies follow the seed: {"error": "<status text>", "message": "<what happened>"}.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { QueryError } from '../store/query.js';

export class ApiError extends Error {
  constructor(readonly statusCode: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string): ApiError => new ApiError(400, message);

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad request',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  431: 'Request header fields too large',
  500: 'Internal server error',
  503: 'Service unavailable',
};

export interface ErrorBody {
  error: string;
  message: string;
}

export const ERROR_BODY_SCHEMA = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' } },
  required: ['error', 'message'],
} as const;

export function errorBody(status: number, message: string): ErrorBody {
  return { error: TITLES[status] ?? (status >= 500 ? 'Internal server error' : 'Bad request'), message };
}

export const NOT_FOUND_MESSAGE = 'The requested resource does not exist';
export const SERVER_ERROR_MESSAGE = 'Something went wrong';

function send(reply: FastifyReply, status: number, message: string, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(status).headers(headers).type('application/json; charset=utf-8').send(errorBody(status, message));
}

/**
 * Installs the error and not-found handlers. `knownPaths` are the routes' paths (no trailing slash): a
 * request for one of them with another method is a 405, anything else a 404.
 */
export function installErrorHandlers(app: FastifyInstance, knownPaths: ReadonlySet<string>): void {
  app.setErrorHandler((err: FastifyError | ApiError | QueryError, request: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof ApiError) return send(reply, err.statusCode, err.message, err.headers);
    if (err instanceof QueryError) return send(reply, 400, err.message);
    const status = (err as FastifyError).statusCode;
    if ((err as FastifyError).validation !== undefined) return send(reply, 400, err.message);
    if (status !== undefined && status >= 400 && status < 500) {
      request.log.info({ err }, 'client error');
      return send(reply, status, TITLES[status] ? err.message : 'The request is invalid or malformed');
    }
    request.log.error({ err, url: request.url }, 'request failed');
    return send(reply, 500, SERVER_ERROR_MESSAGE);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = (request.url.split('?')[0] ?? '').replace(/\/+$/, '') || '/';
    if (knownPaths.has(path) && request.method !== 'GET' && request.method !== 'HEAD') {
      return send(reply, 405, `${request.method} is not allowed on ${path}; use GET`, { allow: 'GET, HEAD' });
    }
    return send(reply, 404, NOT_FOUND_MESSAGE);
  });
}

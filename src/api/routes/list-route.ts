// One table-driven list route: GET path (and aliases) → store.list, with the seed's response key, `count`
// and the keyset cursor `next`, or a stream in ndjson/csv/raw/text.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RESOURCES, streamRows, type Cursor, type FieldType, type FieldTypes, type ListQuery, type Resource, type Row } from '../../store/query.js';
import type { Store } from '../../store/store.js';
import { encodeCursor } from '../cursor.js';
import { ERROR_BODY_SCHEMA } from '../errors.js';
import { CONTENT_TYPES, csvHeader, pageStream, renderPage, type Format, type TextLine } from '../formats.js';
import { jsonPage, jsonPageOfEncoded } from '../json-rows.js';
import { describeSchemaError, listParams, querystringSchema, toListRequest, type ParamName } from '../params.js';

export interface ListRoute {
  path: string;
  aliases?: readonly string[];
  /** The response key holding the rows (the seed's: `messages`, `mystery_gifts`, ...). */
  key: string;
  resource: Resource;
  summary: string;
  /** How a row reads in format=text; without it the route has no text format. */
  text?: TextLine;
}

/** A path the API serves, with the one-line description the root lists. */
export interface Endpoint {
  path: string;
  summary: string;
}

// Typed as Fastify types a serializer (to a string); it may return a Buffer as well.
const asIs = ((payload: Buffer) => payload) as unknown as (payload: unknown) => string;

/** Rows fetched per store call when streaming. */
const STREAM_CHUNK = 1000;

const JSON_TYPES: Readonly<Record<FieldType, Record<string, unknown>>> = {
  integer: { type: ['integer', 'null'] },
  string: { type: ['string', 'null'] },
  boolean: { type: ['boolean', 'null'] },
  timestamp: { type: ['string', 'null'], format: 'date-time' },
  json: {},
};

export function rowSchema(fields: FieldTypes): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [name, type] of Object.entries(fields)) properties[name] = JSON_TYPES[type];
  return { type: 'object', properties };
}

export function formatsOf(route: ListRoute): Format[] {
  const spec = RESOURCES[route.resource];
  return ['json', 'ndjson', 'csv', ...(spec.rawLine || route.resource === 'raw' ? ['raw' as const] : []), ...(route.text ? ['text' as const] : [])];
}

export async function sendList(store: Store, route: ListRoute, query: ListQuery, format: Format, reply: FastifyReply): Promise<unknown> {
  const fields = RESOURCES[route.resource].fields;
  if (format === 'json') {
    const cursor = (next: Cursor | null) => (next === null ? null : encodeCursor(query.order, next));
    // Serialized here, not by the response schema's serializer: that one would need presentRow's copy of every row.
    const encoded = (await store.listJson?.(query)) ?? null;
    let body: Buffer;
    if (encoded !== null) {
      // A lent buffer is given back when the response is over, sent or cut off ('close' comes either way),
      // or now if the client left while the query ran ('close' came already).
      if (encoded.frame !== undefined) {
        if (reply.raw.closed) encoded.frame.release();
        else reply.raw.once('close', encoded.frame.release);
      }
      body = jsonPageOfEncoded(route.key, encoded.json, encoded.count, cursor(encoded.next), encoded.frame);
    } else {
      const page = await store.list(query);
      body = jsonPage(route.key, fields, page.rows, cursor(page.next));
    }
    reply.type(CONTENT_TYPES.json);
    // Fastify sends a Buffer as it is only when its memory is an ArrayBuffer; a page in shared memory (a
    // frame's) would go to the response schema's serializer, so this reply's serializer passes it through.
    if (body.buffer instanceof SharedArrayBuffer) reply.serializer(asIs);
    return reply.send(body);
  }
  const pages = streamRows(store, query, STREAM_CHUNK);
  // The first page is read before the status line goes out: a query the store refuses is still a 400.
  const first = await pages.next();
  const render = (rows: readonly Row[]) => renderPage(format, fields, rows, route.text);
  async function* rest(): AsyncGenerator<string> {
    try {
      for await (const rows of pages) yield render(rows);
    } catch (err) {
      // The status line is out: the client sees a cut-off body, the log says why.
      reply.log.error({ err, url: reply.request.url }, 'export failed after the response started');
      throw err;
    }
  }
  reply.type(CONTENT_TYPES[format]);
  return reply.send(pageStream(format === 'csv' ? csvHeader(fields) : '', first.done ? '' : render(first.value), rest()));
}

export function registerListRoute(app: FastifyInstance, store: Store, route: ListRoute, tag: string): Endpoint[] {
  const params: ParamName[] = listParams(route.resource);
  const formats = formatsOf(route);
  const fields = RESOURCES[route.resource].fields;
  const schema = {
    summary: route.summary,
    tags: [tag],
    querystring: querystringSchema(params),
    response: {
      200: {
        description: `One page of rows (format=json); with format=${formats.filter((f) => f !== 'json').join('|')} every matching row is streamed instead.`,
        type: 'object',
        properties: { [route.key]: { type: 'array', items: rowSchema(fields) }, count: { type: 'integer' }, next: { type: ['string', 'null'] } },
        required: [route.key, 'count', 'next'],
      },
      400: ERROR_BODY_SCHEMA,
    },
  };
  const handler = (request: FastifyRequest, reply: FastifyReply) => {
    const { query, format } = toListRequest(route.resource, request.query as Partial<Record<ParamName, string>>, formats);
    return sendList(store, route, query, format, reply);
  };
  const endpoints: Endpoint[] = [];
  for (const path of [route.path, ...(route.aliases ?? [])]) {
    app.get(path, {
      schema: path === route.path ? schema : { ...schema, summary: `${route.summary} (alias of ${route.path})` },
      schemaErrorFormatter: (errors) => new Error(describeSchemaError(errors, params)),
    }, handler);
    endpoints.push({ path, summary: path === route.path ? route.summary : `Alias of ${route.path}` });
  }
  return endpoints;
}

export function registerListRoutes(app: FastifyInstance, store: Store, routes: readonly ListRoute[], tag: string): Endpoint[] {
  return routes.flatMap((route) => registerListRoute(app, store, route, tag));
}

// Rooms, users and who joined or left. `/api/rooms?room-name=` (or room-id) answers the single room
// object of the seed; without a filter it lists rooms like every other route.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RESOURCES, type Row } from '../../store/query.js';
import type { Store } from '../../store/store.js';
import { ApiError, ERROR_BODY_SCHEMA, NOT_FOUND_MESSAGE } from '../errors.js';
import { describeSchemaError, listParams, querystringSchema, toListRequest, type ParamName } from '../params.js';
import { formatsOf, registerListRoutes, rowSchema, sendList, type Endpoint, type ListRoute } from './list-route.js';
import { membership } from './text-lines.js';

export const PEOPLE_ROUTES: readonly ListRoute[] = [
  { path: '/api/users', key: 'users', resource: 'user', summary: 'Users; with room-name/room-id, the users seen in that room with their badges there, last seen first' },
  { path: '/api/userlist', key: 'userlist', resource: 'userlist', summary: 'JOIN, PART and NAMES entries of each room', text: membership },
];

const ROOMS: ListRoute = { path: '/api/rooms', key: 'rooms', resource: 'room', summary: 'Rooms (channels); with room-name or room-id, that one room (404 if unknown)' };

/** A room recorded under its Twitch id wins over the `#login` stand-in of lines that carried none. */
function preferredRoom(rows: readonly Row[], askedId: string | undefined): Row | undefined {
  return rows.find((r) => r['room_id'] === askedId) ?? rows.find((r) => /^[0-9]+$/.test(String(r['room_id']))) ?? rows[0];
}

function registerRooms(app: FastifyInstance, store: Store): Endpoint[] {
  const params: ParamName[] = listParams('room');
  const formats = formatsOf(ROOMS);
  const room = rowSchema(RESOURCES.room.fields);
  const list = { type: 'object', properties: { rooms: { type: 'array', items: room }, count: { type: 'integer' }, next: { type: ['string', 'null'] } }, required: ['rooms', 'count', 'next'] };
  app.get(ROOMS.path, {
    schema: {
      summary: ROOMS.summary,
      tags: ['people'],
      querystring: querystringSchema(params),
      response: { 200: { description: 'The room asked for, or a page of rooms', anyOf: [list, { ...room, required: ['room_id', 'room_name'] }] }, 400: ERROR_BODY_SCHEMA, 404: ERROR_BODY_SCHEMA },
    },
    schemaErrorFormatter: (errors) => new Error(describeSchemaError(errors, params)),
  }, async (request: FastifyRequest, reply: FastifyReply) => {
    const input = request.query as Partial<Record<ParamName, string>>;
    const { query, format } = toListRequest('room', input, formats);
    if (query.room === undefined || format !== 'json') return sendList(store, ROOMS, query, format, reply);
    const page = await store.list({ ...query, limit: 100 });
    const found = preferredRoom(page.rows, input['room-id']);
    if (found === undefined) throw new ApiError(404, NOT_FOUND_MESSAGE);
    return { room_id: found['room_id'], room_name: found['room_name'] };
  });
  return [{ path: ROOMS.path, summary: ROOMS.summary }];
}

export function registerPeople(app: FastifyInstance, store: Store): Endpoint[] {
  return [...registerRooms(app, store), ...registerListRoutes(app, store, PEOPLE_ROUTES, 'people')];
}

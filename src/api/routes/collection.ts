// The recording itself: raw lines as received, gaps in the recording, channel join states.
import type { ListRoute } from './list-route.js';

export const COLLECTION_ROUTES: readonly ListRoute[] = [
  { path: '/api/raw', key: 'raw', resource: 'raw', summary: 'Every received IRC line, exactly as received, in arrival order (date filters only)' },
  { path: '/api/gaps', key: 'gaps', resource: 'gap', summary: 'Spans when channels were not recorded (disconnects, failed joins); dates match overlapping gaps' },
  { path: '/api/channels', key: 'channels', resource: 'channel_state', summary: 'Join state of each configured channel' },
];

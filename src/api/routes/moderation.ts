// Moderation and room state: bans/timeouts/clears, deleted messages, NOTICEs, room modes.
import type { ListRoute } from './list-route.js';
import { banned, deleted, modes, noticed } from './text-lines.js';

export const MODERATION_ROUTES: readonly ListRoute[] = [
  { path: '/api/bans', key: 'bans', resource: 'clearchat', summary: 'Bans, timeouts and chat clears (CLEARCHAT); user filters match the banned user', text: banned },
  { path: '/api/deletions', key: 'deletions', resource: 'clearmsg', summary: 'Deleted messages (CLEARMSG); user filters match the author', text: deleted },
  { path: '/api/notices', key: 'notices', resource: 'notice', summary: 'Server notices (NOTICE)', text: noticed },
  { path: '/api/roomstate', key: 'roomstate', resource: 'roomstate', summary: 'Current chat modes of each room' },
  { path: '/api/roomstate-changes', key: 'roomstate_changes', resource: 'roomstate_change', summary: 'Every ROOMSTATE received: the modes it set (null = unchanged)', text: modes },
];

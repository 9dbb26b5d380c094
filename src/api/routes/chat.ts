// Chat: messages (with full-text search), announcements, whispers.
import type { ListRoute } from './list-route.js';
import { announced, said, whispered } from './text-lines.js';

export const CHAT_ROUTES: readonly ListRoute[] = [
  { path: '/api/messages', key: 'messages', resource: 'privmsg', summary: 'Chat messages (PRIVMSG); q= searches their text', text: said },
  { path: '/api/announcements', key: 'announcements', resource: 'announcement', summary: 'Announcements (/announce)', text: said },
  { path: '/api/whispers', key: 'whispers', resource: 'whisper', summary: 'Whispers received by the recording account', text: whispered },
  { path: '/api/raids', key: 'raids', resource: 'raid', summary: 'Incoming raids', text: announced },
  { path: '/api/viewermilestones', key: 'viewermilestones', resource: 'viewermilestone', summary: 'Viewer milestones (watch streaks)', text: announced },
  { path: '/api/usernotices', key: 'usernotices', resource: 'usernotice', summary: 'Other USERNOTICE events (ritual, unraid, charitydonation, ...) with all their tags', text: announced },
];

// Money: bits, subscriptions and gifts.
import type { ListRoute } from './list-route.js';
import { announced, cheered } from './text-lines.js';

export const MONETIZATION_ROUTES: readonly ListRoute[] = [
  { path: '/api/bits', key: 'bits', resource: 'bits', summary: 'Cheers (messages with bits)', text: cheered },
  { path: '/api/subscriptions', aliases: ['/api/subs'], key: 'subscriptions', resource: 'subscription', summary: 'Subscriptions and resubscriptions', text: announced },
  { path: '/api/subgifts', key: 'subgifts', resource: 'subgift', summary: 'Gifted subscriptions, one per recipient', text: announced },
  { path: '/api/mysterygifts', aliases: ['/api/gifts'], key: 'mystery_gifts', resource: 'submysterygift', summary: 'Mystery gifts (several subs gifted to the community at once)', text: announced },
  { path: '/api/paidupgrades', key: 'paidupgrades', resource: 'paidupgrade', summary: 'Gifted or Prime subs continued as paid subs', text: announced },
  { path: '/api/payforwards', key: 'payforwards', resource: 'payforward', summary: 'Gifts paid forward', text: announced },
  { path: '/api/onetapgifts', key: 'onetapgifts', resource: 'onetapgift', summary: 'One-tap gifts redeemed', text: announced },
  { path: '/api/bitsbadgetiers', key: 'bitsbadgetiers', resource: 'bitsbadgetier', summary: 'Bits badge tiers reached', text: announced },
];

// The USERNOTICE table: msg-id → notice kind and its `msg-param-*` fields. Adding Twitch's next
// msg-id is one row here. Field names are the seed's column names (snake_case).
import { bool, int, str, type FieldSpecs } from './fields.js';

const SUB = {
  cumulative_months: int('msg-param-cumulative-months'),
  months: int('msg-param-months'),
  streak_months: int('msg-param-streak-months'),
  multimonth_duration: int('msg-param-multimonth-duration'),
  multimonth_tenure: int('msg-param-multimonth-tenure'),
  should_share_streak: bool('msg-param-should-share-streak'),
  sub_plan_name: str('msg-param-sub-plan-name'),
  sub_plan: str('msg-param-sub-plan'),
  was_gifted: str('msg-param-was-gifted'),
  gifter_id: str('msg-param-gifter-id'),
  gifter_login: str('msg-param-gifter-login'),
  gifter_name: str('msg-param-gifter-name'),
} as const;

const SUBGIFT = {
  community_gift_id: str('msg-param-community-gift-id'),
  fun_string: str('msg-param-fun-string'),
  gift_months: int('msg-param-gift-months'),
  months: int('msg-param-months'),
  origin_id: str('msg-param-origin-id'),
  recipient_id: str('msg-param-recipient-id'),
  recipient_display_name: str('msg-param-recipient-display-name'),
  recipient_user_name: str('msg-param-recipient-user-name'),
  sender_count: int('msg-param-sender-count'),
  sub_plan_name: str('msg-param-sub-plan-name'),
  sub_plan: str('msg-param-sub-plan'),
} as const;

const SUBMYSTERYGIFT = {
  community_gift_id: str('msg-param-community-gift-id'),
  contribution_type: str('msg-param-goal-contribution-type'),
  current_contributions: int('msg-param-goal-current-contributions'),
  target_contributions: int('msg-param-goal-target-contributions'),
  user_contributions: int('msg-param-goal-user-contributions'),
  mass_gift_count: int('msg-param-mass-gift-count'),
  sender_count: int('msg-param-sender-count'),
  origin_id: str('msg-param-origin-id'),
  sub_plan: str('msg-param-sub-plan'),
} as const;

const PAIDUPGRADE = {
  sender_login: str('msg-param-sender-login'),
  sender_name: str('msg-param-sender-name'),
  sub_plan: str('msg-param-sub-plan'),
  promo_name: str('msg-param-promo-name'),
  promo_gift_total: int('msg-param-promo-gift-total'),
} as const;

const PAYFORWARD = {
  prior_gifter_anonymous: str('msg-param-prior-gifter-anonymous'),
  prior_gifter_id: str('msg-param-prior-gifter-id'),
  prior_gifter_display_name: str('msg-param-prior-gifter-display-name'),
  prior_gifter_user_name: str('msg-param-prior-gifter-user-name'),
  recipient_id: str('msg-param-recipient-id'),
  recipient_display_name: str('msg-param-recipient-display-name'),
  recipient_user_name: str('msg-param-recipient-user-name'),
} as const;

const RAID = {
  msg_param_displayName: str('msg-param-displayName'),
  msg_param_login: str('msg-param-login'),
  msg_param_profileImageURL: str('msg-param-profileImageURL'),
  msg_param_viewerCount: str('msg-param-viewerCount'),
} as const;

const ANNOUNCEMENT = { color: str('msg-param-color') } as const;

const VIEWERMILESTONE = {
  streak: int('msg-param-value'),
  category: str('msg-param-category'),
  reward: int('msg-param-copoReward'),
} as const;

const ONETAPGIFT = {
  bits_spent: int('msg-param-bits-spent'),
  gift_id: str('msg-param-gift-id'),
  user_display_name: str('msg-param-user-display-name'),
} as const;

const BITSBADGETIER = { msg_param_threshold: int('msg-param-threshold') } as const;

/** Kinds without a table of their own: their fields are typed here and all tags are kept as JSON by the store. */
const OTHER = {} as const;

export const NOTICE_KINDS = {
  subscription: SUB,
  subgift: SUBGIFT,
  submysterygift: SUBMYSTERYGIFT,
  paidupgrade: PAIDUPGRADE,
  payforward: PAYFORWARD,
  raid: RAID,
  announcement: ANNOUNCEMENT,
  viewermilestone: VIEWERMILESTONE,
  onetapgift: ONETAPGIFT,
  bitsbadgetier: BITSBADGETIER,
  other: OTHER,
} as const satisfies Record<string, FieldSpecs>;

export type NoticeKind = keyof typeof NOTICE_KINDS;

/** msg-id → kind. Any msg-id not listed (Twitch adds them unannounced) is kind `other`, never dropped. */
export const MSG_ID_KIND: Readonly<Record<string, NoticeKind>> = {
  sub: 'subscription',
  resub: 'subscription',
  subgift: 'subgift',
  anonsubgift: 'subgift',
  submysterygift: 'submysterygift',
  anonsubmysterygift: 'submysterygift',
  giftpaidupgrade: 'paidupgrade',
  anongiftpaidupgrade: 'paidupgrade',
  primepaidupgrade: 'paidupgrade',
  communitypayforward: 'payforward',
  standardpayforward: 'payforward',
  raid: 'raid',
  announcement: 'announcement',
  viewermilestone: 'viewermilestone',
  onetapgiftredeemed: 'onetapgift',
  bitsbadgetier: 'bitsbadgetier',
  // Known msg-ids stored in the generic notice table: unraid, ritual, rewardgift, charitydonation,
  // modiversary, extendsub, primecommunitygiftreceived, midnightsquid, ...
};

export function noticeKind(msgId: string | null): NoticeKind {
  return (msgId !== null && Object.hasOwn(MSG_ID_KIND, msgId) ? MSG_ID_KIND[msgId] : undefined) ?? 'other';
}

/** DSA vocabularies, as in the EU DSA Transparency Database (../shared/EVENTS.md). */

export const DSA_CATEGORIES = [
  'STATEMENT_CATEGORY_ANIMAL_WELFARE',
  'STATEMENT_CATEGORY_CONSUMER_INFORMATION',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE',
  'STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN',
  'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS',
  'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS',
  'STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS',
  'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE',
  'STATEMENT_CATEGORY_OTHER_VIOLATION_TC',
  'STATEMENT_CATEGORY_PROTECTION_OF_MINORS',
  'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
  'STATEMENT_CATEGORY_SCAMS_AND_FRAUD',
  'STATEMENT_CATEGORY_SELF_HARM',
  'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS',
  'STATEMENT_CATEGORY_VIOLENCE',
] as const;
export type DsaCategory = (typeof DSA_CATEGORIES)[number];

export const DECISION_GROUNDS = [
  'DECISION_GROUND_ILLEGAL_CONTENT',
  'DECISION_GROUND_INCOMPATIBLE_CONTENT',
] as const;
export type DecisionGround = (typeof DECISION_GROUNDS)[number];

export const SOURCE_TYPES = [
  'SOURCE_ARTICLE_16',
  'SOURCE_TRUSTED_FLAGGER',
  'SOURCE_TYPE_OTHER_NOTIFICATION',
  'SOURCE_VOLUNTARY',
] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export const NOTIFIER_TYPES = ['trusted_flagger', 'user', 'authority'] as const;
export type NotifierType = (typeof NOTIFIER_TYPES)[number];

export const WITHDRAWAL_REASONS = ['sold', 'expired', 'seller_deleted'] as const;
export const SANCTION_ACTIONS = ['warning', 'suspension', 'termination'] as const;
export type SanctionAction = (typeof SANCTION_ACTIONS)[number];

export const EVENT_TYPES = [
  'seller.registered',
  'listing.published',
  'listing.edited',
  'listing.taken_down',
  'listing.withdrawn',
  'notice.received',
  'seller.sanctioned',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const FLAG_KINDS = ['recidivist', 'evasive', 'ban_evasion', 'anomalous'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Notifier types whose notices take the priority lane (DSA art. 22 and authority orders). */
export const PRIORITY_NOTIFIER_TYPES: readonly NotifierType[] = ['trusted_flagger', 'authority'];

/** The contract's cap on one record: larger records go to the dead letters. */
export const MAX_RECORD_BYTES = 1024 * 1024;

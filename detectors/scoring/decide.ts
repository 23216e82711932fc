import type { FlagKind, Severity } from '../../streams/contract/vocabularies.ts';
import type { FlagEvidence } from '../rules/index.ts';
import { severityRank } from './severity.ts';

/** A flag as the decision needs it; `as_of` is the event time (ms) of the features behind it. */
export interface FlagSnapshot {
  kinds: readonly FlagKind[];
  severity: Severity;
  evidence: FlagEvidence;
  as_of: number;
}

/** A flag a reviewer dismissed: its evidence no longer raises a flag on its own. */
export interface DismissedFlag {
  flag_id: string;
  kinds: readonly FlagKind[];
  evidence: FlagEvidence;
}

export interface FlagState {
  /** The last flag emitted for this seller, if any. */
  last?: FlagSnapshot;
  /** The seller's flags that reviewers dismissed. */
  dismissed: readonly DismissedFlag[];
}

export interface DecisionOptions {
  /** Event-time window (ms) after an alert in which an unchanged or weaker flag is not re-sent. */
  cooldownMs: number;
}

export type EmitReason =
  'first' | 'severity_rose' | 'new_kind' | 'new_evidence' | 'cooldown_elapsed';
export type SuppressReason = 'dismissed' | 'cooldown';

export type FlagDecision =
  { emit: true; reason: EmitReason } | { emit: false; reason: SuppressReason; flag_id?: string };

function subset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length > b.length) return false;
  const set = new Set(b);
  return a.every((x) => set.has(x));
}

function evidenceWithin(a: FlagEvidence, b: FlagEvidence): boolean {
  return subset(a.listing_ids, b.listing_ids) && subset(a.linked_seller_ids, b.linked_seller_ids);
}

/**
 * Whether to emit a candidate flag. Pure: the service loads the state from the store.
 *
 * 1. A dismissed flag whose evidence and kinds contain the candidate's suppresses it (a
 *    reviewer already judged that evidence; only new evidence or a new kind reopens it).
 * 2. Otherwise: emit the first flag; emit again when severity rises, a kind or evidence is new;
 *    else emit only once `cooldownMs` of event time has passed since the last alert.
 */
export function decideFlag(
  candidate: FlagSnapshot,
  state: FlagState,
  options: DecisionOptions,
): FlagDecision {
  for (const d of state.dismissed) {
    if (evidenceWithin(candidate.evidence, d.evidence) && subset(candidate.kinds, d.kinds)) {
      return { emit: false, reason: 'dismissed', flag_id: d.flag_id };
    }
  }
  const last = state.last;
  if (last === undefined) return { emit: true, reason: 'first' };
  if (severityRank(candidate.severity) > severityRank(last.severity)) {
    return { emit: true, reason: 'severity_rose' };
  }
  if (!subset(candidate.kinds, last.kinds)) return { emit: true, reason: 'new_kind' };
  if (!evidenceWithin(candidate.evidence, last.evidence)) {
    return { emit: true, reason: 'new_evidence' };
  }
  if (candidate.as_of - last.as_of >= options.cooldownMs) {
    return { emit: true, reason: 'cooldown_elapsed' };
  }
  return { emit: false, reason: 'cooldown' };
}

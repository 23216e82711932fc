import { createHash } from 'node:crypto';
import type { FlagKind, Severity } from '../../streams/contract/vocabularies.ts';
import type { FlagEvidence } from '../rules/index.ts';

export interface FlagIdentity {
  seller_id: string;
  kinds: readonly FlagKind[];
  severity: Severity;
  evidence: FlagEvidence;
}

/**
 * A flag's id is a hash of what the flag says (seller, kinds, severity, evidence), not of when it
 * was made: the same flag re-emitted after a restart, a replay or a rescore keeps its id, and a
 * consumer can deduplicate on it. Order of kinds and ids does not matter.
 */
export function flagId(flag: FlagIdentity): string {
  const canonical = JSON.stringify([
    1, // layout version of this canonical form
    flag.seller_id,
    [...flag.kinds].sort(),
    flag.severity,
    [...new Set(flag.evidence.listing_ids)].sort(),
    [...new Set(flag.evidence.linked_seller_ids)].sort(),
  ]);
  return `flg_${createHash('sha256').update(canonical).digest('hex').slice(0, 32)}`;
}

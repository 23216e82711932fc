import { SellerFlaggedSchema, type SellerFlagged } from '../../streams/contract/flag.ts';
import { VigieError } from '../../streams/errors.ts';
import type { Assessment } from './assess.ts';
import { flagId } from './flag-id.ts';

/**
 * The `seller.flagged` event for a flagged assessment. `flaggedAt` is the wall-clock time of the
 * decision (RFC 3339); it is not part of the flag id.
 */
export function buildSellerFlagged(
  sellerId: string,
  assessment: Assessment,
  flaggedAt: Date,
): SellerFlagged {
  if (!assessment.flagged || assessment.severity === null) {
    throw new VigieError('INTERNAL', 'buildSellerFlagged called on an assessment with no flag');
  }
  const event = {
    flag_id: flagId({
      seller_id: sellerId,
      kinds: assessment.kinds,
      severity: assessment.severity,
      evidence: assessment.evidence,
    }),
    type: 'seller.flagged' as const,
    seller_id: sellerId,
    flagged_at: flaggedAt.toISOString(),
    kinds: assessment.kinds,
    severity: assessment.severity,
    score: assessment.score,
    model_version: assessment.model_version,
    reasons: assessment.reasons,
    evidence: assessment.evidence,
  };
  // A flag that breaks the contract is our bug: fail loudly rather than send it.
  const parsed = SellerFlaggedSchema.safeParse(event);
  if (!parsed.success) {
    throw new VigieError(
      'INTERNAL',
      `seller.flagged violates the contract: ${parsed.error.message}`,
    );
  }
  return parsed.data;
}

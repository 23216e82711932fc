import { createHash, randomBytes } from 'node:crypto';
import { VigieError } from '../../streams/errors.ts';
import type { ClickHouseExecutor } from './executor.ts';
import { quoteString } from './sql.ts';
import { auditLogTable } from './tables/audit-log.ts';
import { FLAGS_SPEC } from './tables/flags.ts';

export interface EraseOptions {
  /**
   * Secret mixed into the pseudonym that replaces the seller id in kept flags. Unset: a random
   * one per erasure, never stored, so the pseudonym cannot be linked back to the id by anyone.
   * Set it (from a secret) only if erased sellers' flags must stay linkable across erasures.
   */
  salt?: string;
  /** Who asked, for the audit log. Default `vigie`. */
  actor?: string;
  now?: () => number;
}

/**
 * What one table lost: rows deleted, rows kept under a pseudonym, other rows cleaned of the id.
 * Counts are of logical rows (FINAL: a row's unmerged versions count once), so they do not
 * depend on how far background merges have gone.
 */
export interface ErasureCount {
  table: string;
  deleted: number;
  pseudonymised: number;
  scrubbed: number;
}

export interface ErasureReport {
  /** `erased:<hash>`: what the kept flags and the audit log now name the seller. */
  pseudonym: string;
  tables: ErasureCount[];
}

/** Tables whose rows belong to one seller and go entirely. */
const OWNED_TABLES = [
  'events',
  'listing_texts',
  'seller_features',
  'seller_features_current',
  'identifier_links',
] as const;

/** Tables whose `evidence` JSON may name other sellers (linked accounts). */
const EVIDENCE_TABLES = ['seller_features', 'seller_features_current'] as const;

/** Mutations wait until every part is rewritten: the report is true when it returns. */
const SYNC = { mutations_sync: 2 };

export function erasurePseudonym(sellerId: string, salt: string): string {
  const digest = createHash('sha256').update(salt).update('\0').update(sellerId).digest('hex');
  return `erased:${digest.slice(0, 24)}`;
}

/**
 * Removes a seller's personal data from every table (GDPR art. 17) and says what it removed.
 *
 * - events, listing_texts, seller_features(+_current), identifier_links: the seller's rows are
 *   deleted (ALTER TABLE … DELETE, a physical rewrite, not a lightweight mask).
 * - flags: kept for DSA transparency and accountability (that a flag was raised, of which kinds
 *   and severity, by which model, and how it was reviewed), with the seller id replaced by a
 *   pseudonym and the reasons and evidence emptied; review notes on those flags are blanked.
 * - Other sellers' rows that mention the seller (linked-seller evidence, reasons, audit targets)
 *   have the mention replaced by the pseudonym.
 * - audit_log gets a `seller.erased` entry naming the pseudonym, with these counts.
 *
 * Idempotent: running it again (after a crash half-way) finishes the job.
 */
export async function eraseSeller(
  executor: ClickHouseExecutor,
  sellerId: string,
  options: EraseOptions = {},
): Promise<ErasureReport> {
  if (sellerId.length === 0 || sellerId.length > 128) {
    throw new VigieError('BAD_REQUEST', 'seller id must be 1-128 characters');
  }
  const now = options.now ?? Date.now;
  const pseudonym = erasurePseudonym(sellerId, options.salt ?? randomBytes(32).toString('hex'));
  const id = quoteString(sellerId);
  // How other components write a seller id inside JSON text (evidence, reasons, detail).
  const inJson = JSON.stringify(sellerId);
  const jsonLiteral = quoteString(inJson);
  const replacement = quoteString(JSON.stringify(pseudonym));
  const params = { seller: sellerId, json: inJson };
  const tables: ErasureCount[] = [];
  const count = async (sql: string): Promise<number> => {
    const rows = await executor.query<{ n: string | number }>(sql, { params });
    return Number(rows[0]?.n ?? 0);
  };

  for (const table of OWNED_TABLES) {
    const deleted = await count(
      `SELECT count() AS n FROM ${table} FINAL WHERE seller_id = {seller:String}`,
    );
    if (deleted > 0) {
      await executor.command(`ALTER TABLE ${table} DELETE WHERE seller_id = ${id}`, {
        settings: SYNC,
      });
    }
    let scrubbed = 0;
    if ((EVIDENCE_TABLES as readonly string[]).includes(table)) {
      scrubbed = await count(
        `SELECT count() AS n FROM ${table} FINAL WHERE position(evidence, {json:String}) > 0`,
      );
      if (scrubbed > 0) {
        await executor.command(
          `ALTER TABLE ${table} UPDATE evidence = replaceAll(evidence, ${jsonLiteral}, ${replacement})
           WHERE position(evidence, ${jsonLiteral}) > 0`,
          { settings: SYNC },
        );
      }
    }
    tables.push({ table, deleted, pseudonymised: 0, scrubbed });
  }

  const flagIds = await sellerFlagIds();
  tables.push(await pseudonymiseFlags(flagIds));
  tables.push(await blankReviewNotes(flagIds));
  tables.push(await scrubAuditLog());

  await auditLogTable.insert(executor, [
    {
      at: now(),
      actor: options.actor ?? 'vigie',
      action: 'seller.erased',
      target: pseudonym,
      detail: JSON.stringify({ tables }),
    },
  ]);
  return { pseudonym, tables };

  async function sellerFlagIds(): Promise<string[]> {
    const rows = await executor.query<{ flag_id: string }>(
      'SELECT DISTINCT flag_id FROM flags WHERE seller_id = {seller:String} ORDER BY flag_id',
      { params },
    );
    return rows.map((r) => r.flag_id);
  }

  async function pseudonymiseFlags(ids: readonly string[]): Promise<ErasureCount> {
    if (ids.length > 0) {
      const idList = `[${ids.map(quoteString).join(', ')}]`;
      // A run that died between the copy and the delete left copies: drop them, copy again.
      await executor.command(
        `ALTER TABLE flags DELETE WHERE startsWith(seller_id, 'erased:') AND has(${idList}, flag_id)`,
        { settings: SYNC },
      );
      // seller_id is in the sorting key, so it cannot be UPDATEd: copy the rows under the
      // pseudonym, then delete the originals. The copy must not be dropped as a "retried" block.
      // No aliases in the projection: ClickHouse lets WHERE see SELECT aliases, so
      // `'erased:…' AS seller_id` would turn the filter below into a comparison with the pseudonym.
      const columns = FLAGS_SPEC.columns.map((c) => c.name);
      const projection = columns.map((c) => {
        if (c === 'seller_id') return quoteString(pseudonym);
        if (c === 'reasons') return `'[]'`;
        if (c === 'evidence_listing_ids' || c === 'evidence_linked_seller_ids') return '[]';
        return c;
      });
      await executor.command(
        `INSERT INTO flags (${columns.join(', ')})
         SELECT ${projection.join(', ')} FROM flags WHERE seller_id = ${id}`,
        { settings: { insert_deduplicate: 0 } },
      );
      await executor.command(`ALTER TABLE flags DELETE WHERE seller_id = ${id}`, {
        settings: SYNC,
      });
    }
    const scrubbed = await count(
      `SELECT count() AS n FROM flags FINAL
       WHERE has(evidence_linked_seller_ids, {seller:String}) OR position(reasons, {json:String}) > 0`,
    );
    if (scrubbed > 0) {
      await executor.command(
        `ALTER TABLE flags UPDATE
           evidence_linked_seller_ids = arrayFilter(x -> x != ${id}, evidence_linked_seller_ids),
           reasons = replaceAll(reasons, ${jsonLiteral}, ${replacement})
         WHERE has(evidence_linked_seller_ids, ${id}) OR position(reasons, ${jsonLiteral}) > 0`,
        { settings: SYNC },
      );
    }
    return { table: 'flags', deleted: 0, pseudonymised: ids.length, scrubbed };
  }

  async function blankReviewNotes(ids: readonly string[]): Promise<ErasureCount> {
    let scrubbed = 0;
    if (ids.length > 0) {
      const idList = `[${ids.map(quoteString).join(', ')}]`;
      const where = `has(${idList}, flag_id) AND note != ''`;
      scrubbed = await count(`SELECT count() AS n FROM flag_reviews FINAL WHERE ${where}`);
      if (scrubbed > 0) {
        await executor.command(`ALTER TABLE flag_reviews UPDATE note = '' WHERE ${where}`, {
          settings: SYNC,
        });
      }
    }
    return { table: 'flag_reviews', deleted: 0, pseudonymised: 0, scrubbed };
  }

  async function scrubAuditLog(): Promise<ErasureCount> {
    const pseudonymised = await count(
      'SELECT count() AS n FROM audit_log WHERE target = {seller:String}',
    );
    const scrubbed = await count(
      `SELECT count() AS n FROM audit_log
       WHERE target != {seller:String} AND position(detail, {json:String}) > 0`,
    );
    if (pseudonymised + scrubbed > 0) {
      await executor.command(
        `ALTER TABLE audit_log UPDATE
           target = if(target = ${id}, ${quoteString(pseudonym)}, target),
           detail = replaceAll(detail, ${jsonLiteral}, ${replacement})
         WHERE target = ${id} OR position(detail, ${jsonLiteral}) > 0`,
        { settings: SYNC },
      );
    }
    return { table: 'audit_log', deleted: 0, pseudonymised, scrubbed };
  }
}

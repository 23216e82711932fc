import type { Registry } from 'prom-client';
import type { Logger } from '../shared/logger.ts';
import type { Principal } from './auth/keys.ts';
import type {
  CheckRequest,
  CheckResponse,
  ErasureResult,
  FlagList,
  FlagsQuery,
  IngestResult,
  QueryRequest,
  QueryResult,
  ReviewRequest,
  ReviewResult,
  SellerView,
  TransparencyReport,
} from './schemas.ts';

/**
 * What the HTTP layer needs from the rest of Vigie. The API is thin: validation, auth, problem
 * documents; every answer comes from these functions, wired in services/app over the real store.
 */
export interface ApiDeps {
  logger: Logger;
  verifyKey(secret: string): Principal | undefined;
  ready(): Promise<{ store: boolean; broker: boolean | null }>;
  metrics: Registry;
  getSeller(sellerId: string): Promise<SellerView | undefined>;
  listFlags(query: FlagsQuery): Promise<FlagList>;
  reviewFlag(
    flagId: string,
    review: ReviewRequest,
    by: Principal,
  ): Promise<ReviewResult | undefined>;
  checkListing(request: CheckRequest): Promise<CheckResponse>;
  transparency(from: Date, to: Date): Promise<TransparencyReport>;
  ingest(body: Buffer, requestId: string): Promise<IngestResult>;
  query(sql: string, by: Principal, params?: QueryRequest['params']): Promise<QueryResult>;
  /** GDPR art. 17: removes the seller's personal data (features/store `eraseSeller`), audited. */
  eraseSeller(sellerId: string, by: Principal): Promise<ErasureResult>;
}

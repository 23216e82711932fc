import type { Command } from 'commander';
import { VigieError } from '../../../streams/errors.ts';
import {
  createDetectorService,
  loadDetectorConfig,
  openDetectorStore,
} from '../../detector/index.ts';
import { createLogger } from '../../shared/logger.ts';

/** `vigie score SELLER`: what Vigie concludes about one seller now, as JSON (no flag emitted). */
export function registerScore(program: Command): void {
  program
    .command('score')
    .description(
      "print a seller's anomaly score, kinds, severity and reasons as JSON (nothing is emitted)",
    )
    .argument('<seller>', 'seller id')
    .option('--data-dir <dir>', 'embedded store directory (default: $VIGIE_DATA_DIR)')
    .action(async (sellerId: string, options: { dataDir?: string }) => {
      const config = loadDetectorConfig();
      const logger = createLogger({ level: config.LOG_LEVEL });
      const opened = await openDetectorStore({
        dataDir: options.dataDir ?? config.VIGIE_DATA_DIR,
        url: config.CLICKHOUSE_URL,
        database: config.CLICKHOUSE_DATABASE,
        textTtlDays: config.VIGIE_TEXT_TTL_DAYS,
        logger,
      });
      const service = createDetectorService({
        config: { ...config, VIGIE_WEBHOOK_URLS: [] },
        store: opened.store,
        logger,
        schedule: false,
        kafka: null,
      });
      try {
        await service.start();
        const result = await service.loop.assess(sellerId);
        if (result === undefined) {
          throw new VigieError('NOT_FOUND', 'no features stored for this seller', {
            context: { what: 'seller' },
          });
        }
        const a = result.assessment;
        const out = {
          seller_id: sellerId,
          as_of: new Date(result.record.asOf).toISOString(),
          model_version: a.model_version,
          score: a.score,
          threshold: a.threshold,
          anomalous: a.anomalous,
          flagged: a.flagged,
          kinds: a.kinds,
          severity: a.severity,
          reasons: a.reasons,
          evidence: a.evidence,
          rules: a.rule_hits.map((h) => ({ rule: h.rule, kind: h.kind, severity: h.severity })),
        };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } finally {
        await service.close();
        await opened.close();
      }
    });
}

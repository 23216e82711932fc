import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { SellerFlaggedSchema, type SellerFlagged } from '../../../streams/contract/index.ts';
import { apiKeysFile, createKey, loadApiConfig } from '../../api/index.ts';
import { createLocalService } from '../../app/index.ts';
import { loadDetectorConfig } from '../../detector/index.ts';
import {
  defaultOpenBackend,
  defaultOpenFlagHook,
  loadPipelineConfig,
  runUntilSignal,
} from '../../pipeline/index.ts';
import { createLogger } from '../../shared/logger.ts';
import { simulateMarketplace, writeNdjson, writeTruth } from '../../simulator/index.ts';
import { runReplay } from './replay.ts';

interface DemoOptions {
  dataDir: string;
  sellers: number;
  days: number;
  seed: string;
  port: number;
  serve: boolean;
  top: number;
}

function positiveInt(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > max) {
      throw new InvalidArgumentError(`expected an integer from 0 to ${max}`);
    }
    return n;
  };
}

const SEVERITY_RANK = { low: 0, medium: 1, high: 2, critical: 3 } as const;

/** Share of flagged sellers of each simulated class, for the summary. */
function flaggedByClass(
  flags: readonly SellerFlagged[],
  classes: Record<string, { class: string }>,
): Record<string, { sellers: number; flagged: number }> {
  const flagged = new Set(flags.map((f) => f.seller_id));
  const out: Record<string, { sellers: number; flagged: number }> = {};
  for (const [id, { class: c }] of Object.entries(classes)) {
    const row = (out[c] ??= { sellers: 0, flagged: 0 });
    row.sellers++;
    if (flagged.has(id)) row.flagged++;
  }
  return out;
}

function describeFlag(f: SellerFlagged): string {
  const reasons = f.reasons
    .slice(0, 3)
    .map((r) =>
      'rule' in r
        ? `    - ${r.rule}: ${r.detail}`
        : `    - ${r.feature} = ${r.value} (p${Math.round(r.percentile)}, contribution ${r.contribution.toFixed(2)})`,
    );
  return [
    `  ${f.severity.toUpperCase().padEnd(8)} ${f.seller_id}  kinds=${f.kinds.join(',')}  score=${f.score.toFixed(2)}  flagged_at=${f.flagged_at}`,
    ...reasons,
  ].join('\n');
}

/**
 * `vigie demo`: the main job on the embedded default, no servers needed. Simulates a marketplace,
 * replays it through the full pipeline (features, detectors, flags), prints a summary and the top
 * flags with their reasons, then leaves the API up to explore.
 */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'simulate a marketplace, run it through the full pipeline on the embedded store, print the ' +
        'top flags with their reasons, and leave the API up to explore (Ctrl-C stops)',
    )
    .option('--data-dir <dir>', 'demo directory, wiped at start', '.vigie/demo')
    .option('--sellers <n>', 'simulated sellers', positiveInt(1_000_000), 1500)
    .option('--days <n>', 'simulated days', positiveInt(365), 30)
    .option('--seed <s>', 'simulation seed', '7')
    .option('--port <n>', 'API port (0 for a free one)', positiveInt(65_535), 8080)
    .option('--top <n>', 'flags to print', positiveInt(1000), 10)
    .option('--no-serve', 'exit after the summary instead of serving the API')
    .action(async (options: DemoOptions) => {
      const dir = resolve(options.dataDir);
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      const eventsFile = join(dir, 'events.ndjson');
      const truthFile = join(dir, 'truth.json');
      const flagsFile = join(dir, 'flags.ndjson');
      const rejectsFile = join(dir, 'rejects.ndjson');
      const storeDir = join(dir, 'data');
      const say = (line: string) => process.stdout.write(`${line}\n`);

      say(
        `vigie demo: simulating ${options.sellers} sellers over ${options.days} days (seed ${options.seed})…`,
      );
      const sim = simulateMarketplace({
        sellers: options.sellers,
        days: options.days,
        seed: options.seed,
      });
      await writeNdjson(sim.events, eventsFile);
      await writeTruth(sim.truth, truthFile);

      say('vigie demo: replaying through the pipeline (features, detectors, flags)…');
      const summary = await runReplay(
        eventsFile,
        { dataDir: storeDir, flagsOut: flagsFile, rejectsOut: rejectsFile, batchSize: 5000 },
        { openBackend: defaultOpenBackend, openFlagHook: defaultOpenFlagHook },
      );

      const flags = (await readFile(flagsFile, 'utf8'))
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => SellerFlaggedSchema.parse(JSON.parse(l)));
      // Latest flag per seller, most severe first, then by score.
      const latest = new Map<string, SellerFlagged>();
      for (const f of flags) latest.set(f.seller_id, f);
      const ranked = [...latest.values()].sort(
        (a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.score - a.score,
      );
      say('');
      say(
        `events: ${summary.accepted} accepted, ${summary.duplicates} duplicates, ` +
          `${summary.rejected} rejected (see ${rejectsFile}); ${summary.sellers} sellers; ` +
          `${summary.events_per_s} events/s`,
      );
      say(`flags: ${summary.flags_emitted} emitted for ${latest.size} sellers (${flagsFile})`);
      say('flagged share by simulated class (ground truth from the simulator):');
      for (const [c, row] of Object.entries(
        flaggedByClass([...latest.values()], sim.truth.sellers),
      )) {
        say(
          `  ${c.padEnd(20)} ${String(row.flagged).padStart(5)} / ${String(row.sellers).padEnd(5)} ` +
            `${((100 * row.flagged) / Math.max(row.sellers, 1)).toFixed(1)} %`,
        );
      }
      say('');
      say(`top ${Math.min(options.top, ranked.length)} flags:`);
      for (const f of ranked.slice(0, options.top)) say(describeFlag(f));

      if (!options.serve) return;
      const api = loadApiConfig();
      const logger = createLogger({ level: api.LOG_LEVEL });
      const keysFile = apiKeysFile(api, storeDir);
      const { secret } = await createKey(keysFile, 'demo-admin', 'admin');
      const service = createLocalService({
        dataDir: storeDir,
        api,
        pipeline: loadPipelineConfig(),
        detector: loadDetectorConfig(),
        keysFile,
        host: api.VIGIE_API_HOST,
        port: options.port,
        logger,
      });
      await runUntilSignal(
        {
          async start() {
            await service.start();
            const url = service.url ?? '';
            const example = ranked[0]?.seller_id ?? 'SELLER';
            say('');
            say(`API up at ${url} (OpenAPI: ${url}/openapi.json). A demo admin key, shown once:`);
            say(`  export VIGIE_KEY=${secret}`);
            say(`  curl -H "Authorization: Bearer $VIGIE_KEY" ${url}/v1/sellers/${example}`);
            say(`  curl -H "Authorization: Bearer $VIGIE_KEY" '${url}/v1/flags?severity=critical'`);
            say(
              `  curl -H "Authorization: Bearer $VIGIE_KEY" -H 'content-type: application/json' ` +
                `-d '{"sql":"SELECT count() FROM seller_features_latest"}' ${url}/v1/query`,
            );
            say('Ctrl-C stops.');
          },
          stop: () => service.stop(),
        },
        { logger },
      );
    });
}

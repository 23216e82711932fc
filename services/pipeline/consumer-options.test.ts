import { describe, expect, it } from 'vitest';
import { loadPipelineConfig } from './config.ts';
import { consumerOptionsFrom } from './start-ingestion.ts';

describe('consumerOptionsFrom', () => {
  it('bounds a main-topic run by VIGIE_RUN_MAX_RECORDS and a partition fetch by VIGIE_FETCH_MAX_BYTES', () => {
    const options = consumerOptionsFrom(
      loadPipelineConfig({ VIGIE_RUN_MAX_RECORDS: '50000', VIGIE_FETCH_MAX_BYTES: '2097152' }),
    );
    expect(options.maxRunRecords).toBe(50_000);
    expect(options.maxBytesPerPartition).toBe(2 * 1024 * 1024);
    expect(options.maxInHandMs).toBe(300_000);
  });

  it('refuses a run bound that is not a positive integer, naming the variable', () => {
    expect(() => loadPipelineConfig({ VIGIE_RUN_MAX_RECORDS: '0' })).toThrow(
      /VIGIE_RUN_MAX_RECORDS/,
    );
  });
});

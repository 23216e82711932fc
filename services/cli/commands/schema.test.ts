import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contractJsonSchema, MarketplaceEventSchema } from '../../../streams/contract/index.ts';

describe('published JSON Schema', () => {
  it('docs/events.schema.json is what `vigie schema` prints (regenerate with vigie schema > docs/events.schema.json)', () => {
    const published = JSON.parse(readFileSync('docs/events.schema.json', 'utf8')) as unknown;
    expect(published).toEqual(contractJsonSchema());
  });

  it('describes every event type of the contract', () => {
    const text = JSON.stringify(contractJsonSchema());
    for (const option of MarketplaceEventSchema.options) {
      expect(text).toContain(`"${option.shape.type.value}"`);
    }
  });
});

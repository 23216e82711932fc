import { z } from 'zod';
import { defineTable, EpochMsSchema, type TableSpec } from './table.ts';

/** `models`: every detector version Vigie trained, with what it was trained on and how. */
export const MODELS_SPEC: TableSpec = {
  name: 'models',
  comment: 'Detector versions: parameters, training summary and the serialised model.',
  engine: 'ReplacingMergeTree(created_at)',
  orderBy: 'version',
  columns: [
    { name: 'version', type: 'String', comment: 'Model version, as in flags.model_version.' },
    {
      name: 'created_at',
      type: "DateTime64(3, 'UTC')",
      comment: 'When the model was trained, UTC.',
    },
    {
      name: 'params',
      type: 'String',
      comment: 'JSON: training parameters (trees, sample size, seed…).',
    },
    {
      name: 'training_summary',
      type: 'String',
      comment: 'JSON: training data window, row counts, score distribution, evaluation figures.',
    },
    { name: 'model', type: 'String', comment: 'The serialised model (versioned JSON).' },
  ],
};

export const modelsTable = defineTable(MODELS_SPEC, {
  version: z.string().min(1),
  created_at: EpochMsSchema,
  params: z.string(),
  training_summary: z.string(),
  model: z.string(),
});

export type ModelRow = z.infer<typeof modelsTable.schema>;

// @ts-check
import tseslint from 'typescript-eslint';

/**
 * The pure core (features/, detectors/) does no I/O: an unenforced split leaks, so the
 * boundary is a lint rule. features/store/ is the ClickHouse edge and is exempt.
 */
const ioModules = [
  'node:fs',
  'node:fs/promises',
  'fs',
  'fs/promises',
  'node:net',
  'node:http',
  'node:https',
  'node:child_process',
  'child_process',
  'kafkajs',
  'chdb',
  '@clickhouse/client',
  'pino',
  'fastify',
];

export default tseslint.config(
  {
    ignores: ['node_modules/**', 'bench-results/**', 'eval-results/**', 'coverage/**', '.vigie/**'],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read process.env only in a service config module (services/**/config.ts).',
        },
      ],
    },
  },
  {
    files: ['features/**/*.ts', 'detectors/**/*.ts'],
    ignores: ['features/store/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ioModules.map((name) => ({
            name,
            message:
              'features/ and detectors/ are pure: put I/O in services/, streams/ or features/store/.',
          })),
          patterns: [
            {
              group: [
                '**/services/**',
                '**/streams/kafka/**',
                '**/streams/file/**',
                '**/features/store/**',
              ],
              message: 'The pure core must not import I/O layers.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['services/**/config.ts', 'test/**/*.ts', 'vitest.config.ts', 'services/cli/*.cjs'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // The command's CommonJS bootstrap (services/cli/bin.cjs, thread-pool.cjs).
    files: ['services/cli/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

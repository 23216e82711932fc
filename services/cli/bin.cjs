#!/usr/bin/env node
// The `vigie` command: loads the TypeScript sources through tsx, so no build step is needed.
// CommonJS, so that libuv's thread pool is sized before its first use (thread-pool.cjs), and
// V8's heap compaction is set before the heap fills (heap-compaction.cjs).
'use strict';

require('./thread-pool.cjs');
require('./heap-compaction.cjs');

void (async () => {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('./main.ts');
  process.exitCode = await main(process.argv);
})();

#!/usr/bin/env node
// The `vigie` command: loads the TypeScript sources through tsx, so no build step is needed.
// CommonJS, so that libuv's thread pool is sized before its first use (thread-pool.cjs).
'use strict';

require('./thread-pool.cjs');

void (async () => {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('./main.ts');
  process.exitCode = await main(process.argv);
})();

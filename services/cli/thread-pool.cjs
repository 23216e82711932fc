// Sizes libuv's thread pool, before anything has used it: Node reads UV_THREADPOOL_SIZE when the
// pool starts, on its first use, and an ES module entry is itself read through the pool, so this
// is CommonJS, required first by bin.cjs. chDB runs each statement on a pool thread, and a thread
// waits there while its connection finishes another statement: with Node's default of 4 threads,
// four statements queued on the main connection kept the priority lane's own connection, and
// every file operation, from starting (docs/store.md, "Connections"). An explicit
// UV_THREADPOOL_SIZE is kept.
'use strict';

/** Threads when UV_THREADPOOL_SIZE is not set. */
const DEFAULT_POOL_SIZE = 16;

process.env.UV_THREADPOOL_SIZE ??= String(DEFAULT_POOL_SIZE);

module.exports = { DEFAULT_POOL_SIZE };

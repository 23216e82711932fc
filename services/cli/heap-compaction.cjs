// Makes V8 compact the old generation at every full garbage collection, unless
// VIGIE_HEAP_COMPACTION=0. V8's own heuristics move at most a few megabytes of live objects per
// full collection, and only out of pages at least 70 % free: the engine's long-lived per-seller
// objects, promoted among short-lived ones that die later, leave most old-generation pages partly
// used, and those pages stay committed and resident. Measured with a million simulated events
// (docs/performance.md, twenty-fifth session): 475 MB of old generation committed for 131 MB of
// live objects by default, 133 MB with compaction, at no measured CPU cost. V8 reads the flag at
// each full collection, so setting it at startup (CommonJS, required first by bin.cjs) covers the
// whole process, worker threads included.
'use strict';

const { setFlagsFromString } = require('node:v8');

/** Whether VIGIE_HEAP_COMPACTION asks for compaction: anything but `0`, `false` or `off`. */
function heapCompactionEnabled(env) {
  const value = (env.VIGIE_HEAP_COMPACTION ?? '').trim().toLowerCase();
  return !['0', 'false', 'off', 'no'].includes(value);
}

const enabled = heapCompactionEnabled(process.env);
if (enabled) setFlagsFromString('--compact-on-every-full-gc');

module.exports = { heapCompactionEnabled, enabled };

// What a run allocates, not what stays live (`--heap-prof` keeps live objects only): V8's
// sampling heap profiler with the objects the scavenger and the major GC collected included, from
// the process's start to its natural exit, written to bench-results/allocation-<pid>.heapprofile
// (git-ignored; open it in Chrome's DevTools, Memory tab). Usage:
//   node --import ./services/bench/allocation-profile.mjs services/cli/bin.cjs replay …
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();
session.connect();
const post = (method, params = {}) =>
  new Promise((resolve, reject) =>
    session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
  );

await post('HeapProfiler.enable');
await post('HeapProfiler.startSampling', {
  samplingInterval: 65_536,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
});
let written = false;
process.on('beforeExit', () => {
  if (written) return;
  written = true;
  void post('HeapProfiler.stopSampling').then(({ profile }) => {
    const path = new URL(
      `../../bench-results/allocation-${process.pid}.heapprofile`,
      import.meta.url,
    );
    writeFileSync(path, JSON.stringify(profile));
    process.stderr.write(`allocation profile: ${path.pathname}\n`);
  });
});

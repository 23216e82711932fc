// Boots a scoring worker: worker threads do not inherit the parent's tsx loader, so each one
// registers it before loading the TypeScript worker (the same bootstrap as services/cli/bin.cjs).
import { register } from 'tsx/esm/api';

register();
await import('./score-worker.ts');

// Boots the paced producer worker: worker threads do not inherit the parent's tsx loader, so it
// registers it before loading the TypeScript worker (as score-worker.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./paced-producer-worker.ts');

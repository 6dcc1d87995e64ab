// worker_threads entry of tests/worker-bridge.test.ts: registers tsx's loader in this thread, then runs the TypeScript thread.
import { register } from 'tsx/esm/api';
register();
await import('./bridge-thread.ts');

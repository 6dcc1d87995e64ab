// worker_threads entry of the command line's training pool (src/cli/thread-pool.ts): registers tsx's loader in
// this thread (as bin/neuronas.mjs does in the main one), then runs the TypeScript thread.
import { register } from 'tsx/esm/api';
register();
await import('./training-thread.ts');

// worker_threads entry of the command line's training pool (src/cli/thread-pool.ts): runs training-thread.ts from the
// command line's prebuilt bundle (src/cli/cli-bundle.mjs, rebuilt whenever a source changed), whether the command
// itself runs from the bundle or through tsx; when no bundle can be made, through tsx's loader registered in this
// thread (as bin/neuronas.mjs then does in the main one).
import { runCliEntry } from './cli-bundle.mjs';

await runCliEntry('thread', new URL('./training-thread.ts', import.meta.url));

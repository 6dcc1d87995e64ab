// worker_threads entry of the command line's training pool (src/cli/thread-pool.ts): runs training-thread.ts from the
// command line's prebuilt bundle (src/cli/cli-bundle.mjs, rebuilt whenever a source changed), whether the command
// itself runs from the bundle or through tsx; when no bundle can be made, registers tsx's loader in this thread (as
// bin/neuronas.mjs then does in the main one) and runs the TypeScript.
import { cliBundleEntry } from './cli-bundle.mjs';

const bundle = await cliBundleEntry('thread');
if (bundle) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./training-thread.ts');
}

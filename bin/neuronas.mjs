#!/usr/bin/env node
// The `neuronas` bin: runs the command line from its prebuilt bundle, rebuilt whenever a source changed
// (src/cli/cli-bundle.mjs: a fresh process then starts without tsx's loader thread and compiling the TypeScript);
// when no bundle can be made, the TypeScript sources through tsx's loader, as `npm run neuronas` always does.
import { cliBundleEntry } from '../src/cli/cli-bundle.mjs';

const bundle = await cliBundleEntry('main');
if (bundle) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}

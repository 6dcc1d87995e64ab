#!/usr/bin/env node
// The `neuronas` bin: runs the command line from its prebuilt bundle, rebuilt whenever a source changed
// (src/cli/cli-bundle.mjs: a fresh process then starts without tsx's loader thread and compiling the TypeScript);
// when no bundle can be made, the TypeScript sources through tsx's loader, as `npm run neuronas` always does.
import { runCliEntry } from '../src/cli/cli-bundle.mjs';

await runCliEntry('main', new URL('../src/cli/main.ts', import.meta.url));

#!/usr/bin/env node
// The `neuronas` bin: runs the TypeScript CLI through tsx's loader, so the
// command line and the studio share one source with no separate build step.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');

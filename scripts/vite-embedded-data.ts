/**
 * Vite plugin: makes sure public/data/*.bin (the embedded MNIST and
 * Fashion-MNIST, gitignored) exist before `vite` serves or `vite build`
 * copies public/ into dist/, even when npm's postinstall did not run.
 * It runs in the `config` hook because Vite's dev server lists public/ once
 * at start-up: a file made later (e.g. in `buildStart`) is answered with 404.
 * Up-to-date files cost a few stats (well under a second).
 */
import type { Plugin } from 'vite';
import { buildDatasets } from '../src/cli/build-datasets.mjs';

export function embeddedData(): Plugin {
  return {
    name: 'neuronas-embedded-data',
    config() {
      buildDatasets({ log: (line) => console.log(line) });
    },
  };
}

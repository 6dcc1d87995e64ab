/// <reference types="vitest/config" />
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { embeddedData } from './scripts/vite-embedded-data.ts';
import { contentSecurityPolicy, cspMetaTag, devNonce } from './scripts/vite-csp.ts';

// Cross-origin isolation lets the tfjs wasm backend use its threaded build (SharedArrayBuffer).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// Only the dev server puts a nonce on inline tags (React Refresh's preamble, Vite's injected styles); a built page has none.
const nonce = devNonce();

export default defineConfig(({ command, isPreview }) => ({
  plugins: [react(), embeddedData(), cspMetaTag()],
  // The page and its workers take tfjs-core with its gradients (src/tf/tfjs-page.ts) where the code imports the union
  // package; tests run in Node, where tfjs-core's ES modules do not load (extensionless imports) and the union's
  // CommonJS build is the one that registers the gradients.
  ...(process.env.VITEST ? {} : { resolve: { alias: [{ find: /^@tensorflow\/tfjs$/, replacement: fileURLToPath(new URL('./src/tf/tfjs-page.ts', import.meta.url)) }] } }),
  ...(command === 'serve' && !isPreview ? { html: { cspNonce: nonce } } : {}),
  worker: {
    format: 'es',
    // Worker bundles are not minified: tfjs-backend-wasm starts the threaded
    // build's pthread workers from the factory function's source text
    // (wasmFactoryThreadedSimd.toString()), which minification breaks (its
    // free names get renamed out from under it).
    rolldownOptions: { output: { minify: false } },
  },
  // The dev server's dependency optimizer crawls index.html by default, which reaches the workers only through
  // `new Worker(new URL(...))`, a reference it does not follow: the tfjs backends the workers import (some through
  // dynamic import()) were found only when the first search started a worker, and the optimizer then reloaded the
  // page mid-search. Crawling the worker entries too pre-bundles everything before the page first loads.
  optimizeDeps: { entries: ['index.html', 'src/workers/*.worker.ts'] },
  // Workers take their policy from their own response, not from the page's meta tag: both servers send it as a header.
  server: { headers: { ...isolationHeaders, 'Content-Security-Policy': contentSecurityPolicy({ header: true, nonce }) }, port: 5173 },
  preview: { headers: { ...isolationHeaders, 'Content-Security-Policy': contentSecurityPolicy({ header: true }) }, port: 4173 },
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    environment: 'node',
    testTimeout: 60_000,
    // Dataset builds and backend set-up run in beforeAll hooks; 2 loaded cores need more than the 10 s default.
    hookTimeout: 120_000,
    // At least two test files at a time. Vitest's default for `run` is one fewer than the cores: on CI's 2 cores that
    // ran the files one by one, and the run used 1.1 of the 2 cores (a file mostly runs on one thread). Measured with
    // two: the cores stay busy and the unit run takes 284 s instead of 404 s. More cores keep vitest's default.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
}));

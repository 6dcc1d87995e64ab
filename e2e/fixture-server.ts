/**
 * A Vite dev server for a spec's own fixture page (not part of the studio
 * build), on a free port, with its own dependency cache so it never races a
 * developer's dev server or another spec's.
 */
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';

export async function startFixtureServer(cacheName: string, entries: string[]): Promise<{ server: ViteDevServer; base: string }> {
  const server = await createServer({
    configFile: false,
    root: fileURLToPath(new URL('..', import.meta.url)),
    logLevel: 'error',
    cacheDir: `node_modules/.vite-e2e-${cacheName}`,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
    worker: { format: 'es' },
    optimizeDeps: { entries },
  });
  await server.listen();
  return { server, base: server.resolvedUrls!.local[0] };
}

/**
 * The studio's Content-Security-Policy: scripts, styles, workers, data and
 * images from the page's own origin only, WebAssembly compilation allowed
 * ('wasm-unsafe-eval', for the tfjs wasm backend) and no inline script, no
 * eval, no plugins, no <base> or form target elsewhere.
 *
 * Where it is set, and why there:
 * - The built index.html carries it as a <meta http-equiv> tag (this plugin,
 *   build only), so a static deployment of dist/ is covered by any host.
 * - A worker does not inherit the page's policy: it takes its policy from
 *   its own script's response headers, which a meta tag cannot give. So
 *   `vite preview` (and the dev server) also send the policy as a header
 *   (vite.config.ts); a production host should send it the same way
 *   (`contentSecurityPolicy({ header: true })` prints it). frame-ancestors
 *   only works in a header, so only the header has it.
 * - The dev server needs two inline things: React Refresh's preamble script
 *   and Vite's injected <style> tags. Rather than 'unsafe-inline', the dev
 *   server puts a nonce on them (Vite's `html.cspNonce`, a fresh random value
 *   per server start) and its header allows exactly that nonce.
 *
 * No 'blob:' anywhere: the page's workers load from their own files, the
 * single-threaded wasm build starts no pthread workers (the threaded one,
 * which builds its workers from blobs, is never asked for by the studio),
 * and downloads of blob: URLs are navigations, which the policy does not
 * govern.
 */
import { randomBytes } from 'node:crypto';
import type { Plugin } from 'vite';

export interface PolicyOptions {
  /** the policy goes in a response header (adds what a <meta> tag may not carry) */
  header?: boolean;
  /** the dev server's nonce for its inline preamble and injected styles */
  nonce?: string;
  /** the threaded wasm build runs: its pthread workers and their script are blob: URLs */
  threadedWasm?: boolean;
}

export function contentSecurityPolicy({ header = false, nonce, threadedWasm = false }: PolicyOptions = {}): string {
  const inline = nonce ? ` 'nonce-${nonce}'` : '';
  const blob = threadedWasm ? ' blob:' : '';
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval'${blob}${inline}`,
    `style-src 'self'${inline}`,
    "img-src 'self'",
    `worker-src 'self'${blob}`,
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ];
  if (header) directives.push("frame-ancestors 'none'");
  return directives.join('; ');
}

/** A nonce for one dev-server run (128 random bits, base64). */
export function devNonce(): string {
  return randomBytes(16).toString('base64');
}

/** Puts the policy into the built index.html right after its charset, before any script or style it governs. */
export function cspMetaTag(): Plugin {
  return {
    name: 'neuronas-csp-meta',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const charset = /<meta charset="[^"]*"\s*\/?>/i.exec(html);
        if (!charset) throw new Error('index.html has no <meta charset>: the Content-Security-Policy meta tag goes right after it');
        const end = charset.index + charset[0].length;
        return `${html.slice(0, end)}\n    <meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}" />${html.slice(end)}`;
      },
    },
  };
}

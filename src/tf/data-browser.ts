/**
 * Browser / Web Worker adapter of the data loader: fetches `<base>data/<file>`
 * from the app's own origin (the files are in public/data, which Vite serves
 * in `vite dev` and copies into dist/ for `vite build` / `vite preview`).
 *
 * The base: Vite's BASE_URL ('/' in this project) resolved against
 * `self.location`, which in a worker is the worker script's URL. That is
 * right for any absolute base ('/' or '/studio/'). With a relative base
 * ('./') a worker cannot know the page's URL: the page should then pass
 * `new URL('data/', document.baseURI).href` to the worker and on to
 * `browserFetchBytes(dataBase)`.
 */
import { DatasetError } from '../core/data/format.ts';
import { cachedLoader, type EmbeddedDatasetName, type FetchBytes } from '../core/data/datasets.ts';
import type { Dataset } from '../core/data/format.ts';

/** Absolute URL of the data folder, ending in '/'. */
export function defaultDataBase(): string {
  const base = import.meta.env?.BASE_URL ?? '/';
  return new URL(`${base}data/`, globalThis.location?.href ?? 'http://localhost/').href;
}

export function dataUrl(file: string, dataBase: string = defaultDataBase()): string {
  return new URL(file, dataBase).href;
}

export function browserFetchBytes(dataBase: string = defaultDataBase(), fetchImpl: typeof fetch = fetch): FetchBytes {
  return async (file) => {
    const url = dataUrl(file, dataBase);
    let res: Response;
    try {
      res = await fetchImpl(url);
    } catch (e) {
      throw new DatasetError(`could not fetch ${url}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!res.ok) throw new DatasetError(`could not fetch ${url}: HTTP ${res.status} (build the data with npm run prepare-data)`);
    // Vite's dev server answers a missing file with the app's index.html.
    if ((res.headers.get('content-type') ?? '').includes('text/html')) {
      throw new DatasetError(`${url} is missing (the server sent an HTML page; build the data with npm run prepare-data)`);
    }
    return new Uint8Array(await res.arrayBuffer());
  };
}

let shared: ((name: EmbeddedDatasetName | string) => Promise<Dataset>) | undefined;

/** Loads an embedded data set in the browser or a worker; each is fetched once per base. */
export function loadDatasetBrowser(name: EmbeddedDatasetName | string, dataBase?: string): Promise<Dataset> {
  if (dataBase !== undefined) return cachedLoaderFor(dataBase)(name);
  shared ??= cachedLoader(browserFetchBytes());
  return shared(name);
}

const byBase = new Map<string, (name: string) => Promise<Dataset>>();
function cachedLoaderFor(dataBase: string): (name: string) => Promise<Dataset> {
  let l = byBase.get(dataBase);
  if (!l) {
    l = cachedLoader(browserFetchBytes(dataBase));
    byBase.set(dataBase, l);
  }
  return l;
}

/**
 * The stylesheets (src/ui/theme.css, src/ui/app.css and one sheet per feature folder, each imported by the
 * components beside it): every one of them reaches the page in the one stylesheet the built index.html links in its
 * head, so the page is styled at its first paint and no sheet waits for a lazily loaded chunk; and the feature
 * sheets do not depend on the order the bundler puts them in: loaded in the opposite order, they give every element
 * of the main views the same computed style.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { makeSearchRun, makeSearchRunJson } from './search-run.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const UI = join(ROOT, 'src/ui');
/** Loaded first, in this order, by main.tsx; every other sheet is a feature folder's. */
const SHARED = ['src/ui/theme.css', 'src/ui/app.css'];

interface Sheet {
  path: string;
  text: string;
}

async function sourceSheets(dir = UI): Promise<Sheet[]> {
  const out: Sheet[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceSheets(path)));
    else if (entry.name.endsWith('.css')) out.push({ path: relative(ROOT, path), text: await readFile(path, 'utf8') });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

const classesOf = (css: string) => new Set(css.replace(/\/\*[\s\S]*?\*\//g, '').match(/\.-?[_a-zA-Z][\w-]*/g) ?? []);

const phaseDone = (page: Page) => page.waitForFunction(() => document.querySelector<HTMLElement>('[data-testid=job-status]')?.dataset.phase === 'done');

test('the built page links one stylesheet in its head, which holds every sheet and styles the page before any script runs', async ({ page }) => {
  const html = await readFile(join(DIST, 'index.html'), 'utf8');
  const head = html.slice(0, html.indexOf('</head>'));
  const linked = [...head.matchAll(/<link rel="stylesheet"[^>]* href="([^"]+)"/g)].map((m) => m[1]);
  expect(linked).toHaveLength(1);
  // No other stylesheet in the build: none is split off with a lazily loaded chunk (the detail view's, say).
  const built = (await readdir(join(DIST, 'assets'))).filter((f) => f.endsWith('.css')).map((f) => `/assets/${f}`);
  expect(built).toEqual(linked);
  const css = await readFile(join(DIST, linked[0]), 'utf8');
  const sheets = await sourceSheets();
  expect(sheets.map((s) => s.path)).toEqual(expect.arrayContaining(SHARED));
  for (const sheet of sheets) for (const cls of classesOf(sheet.text)) expect(css.includes(cls), `${sheet.path}: ${cls}`).toBe(true);

  // Every script refused (theme-init.js and the module): the page is already laid out and coloured by the sheet.
  await page.route('**/*.js', (route) => route.abort());
  await page.goto('/');
  expect(await page.evaluate(() => [getComputedStyle(document.body).margin, getComputedStyle(document.documentElement).backgroundColor])).toEqual([
    '0px',
    'rgb(246, 247, 249)',
  ]);
});

/**
 * Computed styles of every element with the built stylesheet, with the source sheets in their order (shared ones,
 * then the feature sheets by path), and with the feature sheets reversed; returns what differs (at most `limit`).
 * The sources go in as constructed stylesheets (CSSOM, which the page's style-src policy allows).
 */
function compareOrders(page: Page, forward: string[], reversed: string[], limit = 20) {
  return page.evaluate(
    ({ forward, reversed, limit }) => {
      const link = document.querySelector<HTMLLinkElement>('head link[rel=stylesheet]')!;
      const elements = [...document.querySelectorAll('*')];
      const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('class') ? `.${el.getAttribute('class')!.trim().split(/\s+/).join('.')}` : ''}`;
      const snapshot = () =>
        elements.map((el) => {
          const cs = getComputedStyle(el);
          const props: Record<string, string> = {};
          for (let i = 0; i < cs.length; i++) props[cs[i]] = cs.getPropertyValue(cs[i]);
          return props;
        });
      const use = (texts: string[] | null) => {
        document.adoptedStyleSheets = (texts ?? []).map((t) => {
          const s = new CSSStyleSheet();
          s.replaceSync(t);
          return s;
        });
        link.disabled = texts !== null;
      };
      const diff = (a: Record<string, string>[], b: Record<string, string>[], asBuilt: boolean) => {
        const out: string[] = [];
        a.forEach((props, i) => {
          for (const k of new Set([...Object.keys(props), ...Object.keys(b[i])])) {
            // The bundler rewrites custom properties' text (colours shortened), not what they compute to, and writes
            // `background: none` as `background: 0 0`, whose background-position shows nothing without an image.
            if (asBuilt && (k.startsWith('--') || k === 'background-position')) continue;
            if (props[k] !== b[i][k] && out.length < limit) out.push(`${describe(elements[i])} ${k}: ${props[k]} | ${b[i][k]}`);
          }
        });
        return out;
      };
      const builtStyles = snapshot();
      use(forward);
      const forwardStyles = snapshot();
      use(reversed);
      const reversedStyles = snapshot();
      use(null);
      return {
        elements: elements.length,
        sourcesVsBuilt: diff(builtStyles, forwardStyles, true),
        reversedVsForward: diff(forwardStyles, reversedStyles, false),
      };
    },
    { forward, reversed, limit },
  );
}

test('the feature sheets give every element of the main views the same style in either order', async ({ page }, info) => {
  test.setTimeout(120_000);
  const sheets = await sourceSheets();
  const shared = SHARED.map((p) => sheets.find((s) => s.path === p)!.text);
  const features = sheets.filter((s) => !SHARED.includes(s.path)).map((s) => s.text);
  expect(features.length).toBeGreaterThanOrEqual(7);
  const forward = [...shared, ...features];
  const reversed = [...shared, ...features.reverse()];
  const check = async (view: string, minElements: number) => {
    const r = await compareOrders(page, forward, reversed);
    expect(r.elements, view).toBeGreaterThan(minElements);
    expect(r.sourcesVsBuilt, view).toEqual([]);
    expect(r.reversedVsForward, view).toEqual([]);
  };

  // The cost page on CIFAR-10 (the file field), a field holding garbage, the preset's constants and the export menu.
  await page.goto('/#v=1&ds=cifar10');
  await phaseDone(page);
  await expect(page.getByTestId('cifar-upload')).toBeVisible();
  await page.getByTestId('entry-maxAreaMm2').fill('abc');
  await page.getByTestId('entry-maxAreaMm2').press('Enter');
  await expect(page.getByTestId('problem-maxAreaMm2')).toBeVisible();
  await page.getByTestId('constants').locator('summary').click();
  await page.getByTestId('export-menu').click();
  await expect(page.getByRole('menu')).toBeVisible();
  await check('cost page', 500);

  // The question a long run=1 link asks (a new page load: a change of the hash alone is not an opened link).
  await page.goto('about:blank');
  await page.goto('/#v=1&run=1');
  await expect(page.getByTestId('link-run-ask')).toBeVisible();
  await check('link question', 500);

  // A finished search (imported) and the detail of a trained candidate with its charts.
  const run = await makeSearchRun();
  const path = info.outputPath('search-run.json');
  await writeFile(path, await makeSearchRunJson());
  await page.goto('about:blank');
  await page.goto('/');
  await phaseDone(page);
  await page.getByTestId('import-run-input').setInputFiles(path);
  await expect(page.getByText(`${run.candidates.length} candidates imported`)).toBeVisible();
  await page.evaluate((i) => window.__neuronasTest!.select(i), run.trained[0].index);
  await expect(page.getByRole('dialog').getByTestId('training')).toBeVisible();
  await check('imported run and detail', 1500);
});

/**
 * Where the page's styles live: the tokens (colours, fonts, radii, shadows, spacing; light and dark) in
 * src/ui/theme.css only, the rules several folders share in src/ui/app.css, and each feature folder's rules in its
 * own sheet, imported by components of that folder and no other. main.tsx loads the theme and the shared sheet
 * before any component, which the cascade relies on (a feature's rule wins a tie with a shared one). That the
 * built page gets every sheet before its first paint, in an order that does not matter, is e2e/styles.spec.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const THEME = 'src/ui/theme.css';
const SHARED = 'src/ui/app.css';

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    return e.isDirectory() ? files(path, ext) : ext.test(e.name) ? [path] : [];
  });
}

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const withoutComments = (css: string) => css.replace(/\/\*[\s\S]*?\*\//g, '');
const sheets = files('src/ui', /\.css$/);
const sources = ['src/main.tsx', ...files('src/ui', /\.tsx?$/)];

/** Every `import '….css'` in the page's sources, resolved to a path from the project root. */
const cssImports = sources.flatMap((from) =>
  [...read(from).matchAll(/^import '([^']+\.css)';/gm)].map((m) => ({ from, sheet: relative(ROOT, resolve(ROOT, dirname(from), m[1])) })),
);

describe('the page styles', () => {
  it('set colours and other tokens only in the theme', () => {
    expect(sheets).toEqual(expect.arrayContaining([THEME, SHARED]));
    const colour = /#[0-9a-f]{3,8}\b|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch)\(/gi;
    const token = /(?:^|[{;\s])(--[\w-]+)\s*:/g;
    const found: string[] = [];
    for (const sheet of sheets.filter((s) => s !== THEME)) {
      const css = withoutComments(read(sheet));
      for (const m of css.matchAll(colour)) found.push(`${sheet}: colour ${m[0]}`);
      for (const m of css.matchAll(token)) found.push(`${sheet}: token ${m[1]}`);
    }
    expect(found).toEqual([]);
    // In the theme, every colour token has a dark value too, but for the floating things' shadows (the same in both).
    const theme = withoutComments(read(THEME));
    const block = (selector: string) => theme.slice(theme.indexOf(`${selector} {`), theme.indexOf('}', theme.indexOf(`${selector} {`)));
    const tokens = (css: string) => new Map([...css.matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)].map((m) => [m[1], m[2]]));
    const light = tokens(block(':root'));
    const dark = tokens(block(":root[data-theme='dark']"));
    const sameInBoth = ['--shadow-tooltip', '--shadow-menu', '--shadow-drawer', '--backdrop'];
    const colours = [...light].filter(([, value]) => new RegExp(colour.source, 'i').test(value)).map(([name]) => name);
    expect(colours.length).toBeGreaterThan(20);
    expect(colours.filter((name) => !dark.has(name) && !sameInBoth.includes(name))).toEqual([]);
  });

  it('live beside the components that import them', () => {
    const outside = cssImports.filter(({ from, sheet }) => (from === 'src/main.tsx' ? ![THEME, SHARED].includes(sheet) : dirname(sheet) !== dirname(from)));
    expect(outside).toEqual([]);
    // Every sheet is imported (a sheet nothing imports never reaches the page).
    expect([...new Set(cssImports.map((i) => i.sheet))].sort()).toEqual([...sheets].sort());
  });

  it('load the theme and the shared rules before any component', () => {
    const imports = [...read('src/main.tsx').matchAll(/^import (?:.* from )?'([^']+)';/gm)].map((m) => m[1]);
    expect(imports.slice(0, 2)).toEqual(['./ui/theme.css', './ui/app.css']);
  });
});

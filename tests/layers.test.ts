/**
 * The layers of src/ hold (.dependency-cruiser.cjs): the core is pure, tfjs
 * stays out of the page's thread, protocol/ is shared types, runtime code does
 * not import build scripts. Checked with dependency-cruiser on the real tree,
 * and on a small fixture tree that breaks the rules, so a rule that matches
 * nothing would fail here.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cruise, type ICruiseResult } from 'dependency-cruiser';

const require = createRequire(import.meta.url);
const ROOT = resolve(import.meta.dirname, '..');
const ruleSet = require(resolve(ROOT, '.dependency-cruiser.cjs'));

async function violations(baseDir: string): Promise<string[]> {
  const { options, ...rules } = ruleSet;
  const result = await cruise(['src'], { ...options, baseDir, validate: true, ruleSet: rules, outputType: 'json' }, {}, {});
  const out = (typeof result.output === 'string' ? JSON.parse(result.output) : result.output) as ICruiseResult;
  // A package is named by its folder (where the fixture resolves it from depends on the checkout).
  const named = (to: string) => to.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+)\/.*$/, 'package $1');
  return out.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${named(v.to)}`).sort();
}

describe('layers of src/', () => {
  it('has no import that breaks a layer', async () => {
    expect(await violations(ROOT)).toEqual([]);
  }, 60_000);

  it('catches a core module that reaches into the page or tfjs, and a page module that loads the tfjs layer', async () => {
    expect(await violations(resolve(ROOT, 'tests/fixtures/layers'))).toEqual([
      'core-is-pure: src/core/pure.ts → package @tensorflow/tfjs',
      'core-is-pure: src/core/pure.ts → src/ui/view.ts',
      'page-without-tfjs: src/ui/view.ts → src/tf/kernel.ts',
    ]);
  }, 60_000);
});

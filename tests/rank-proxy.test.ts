/**
 * Ranking by any proxy of core/calibration/proxies.ts: the parameter table offers each one (named as there), its
 * knobs travel in links and run files, and a run ranked by a lower-is-better proxy keeps its raw values and reads
 * back the same, its best the lowest.
 */
import { describe, expect, it } from 'vitest';
import { PROXIES, PROXY_NAMES } from '../src/core/calibration/proxies.ts';
import { PARAMS, defaultParams } from '../src/core/params.ts';
import { defaultInputs } from '../src/core/inputs.ts';
import { decodeInputs, encodeInputs } from '../src/core/url.ts';
import { parseRunJson, runDataFromSearch, runJson } from '../src/core/files/run.ts';
import { searchSettingsFromParams } from '../src/core/settings.ts';
import { runSearch, topByScore, type Evaluators } from '../src/core/search/pipeline.ts';
import { CALIBRATE_DEFAULTS, parseCalibrateArgs } from '../src/cli/calibrate.ts';
import { parseSearchArgs } from '../src/cli/search.ts';
import { RANK_LABELS } from '../src/ui/search/rank-labels.ts';

describe('the rank-by knob', () => {
  it('offers every proxy, labelled by its definition, and keeps the parameter count the default', () => {
    expect(PARAMS.rankBy.options).toEqual(PROXY_NAMES);
    for (const p of PROXY_NAMES) {
      expect(PARAMS.rankBy.optionLabels?.[p]).toBe(PROXIES[p].label);
      expect(RANK_LABELS[p].phrase).toBe(PROXIES[p].label);
    }
    expect(PARAMS.rankBy.default).toBe('params');
    expect(RANK_LABELS.early_loss.axis).toBe('−Early-training loss (the ranking, negated: up is better)');
  });

  it('travels with the proxy knobs in a link, both ways, and the command line reads the same knobs', () => {
    const link = '#v=1&rk=early_loss&gb=24&es=7&eb=16&eh=120';
    const decoded = decodeInputs(link);
    expect(decoded.problems).toEqual([]);
    const p = decoded.inputs.params;
    expect([p.rankBy, p.gradientBatch, p.earlySteps, p.earlyBatch, p.earlyHeldOut]).toEqual(['early_loss', 24, 7, 16, 120]);
    const again = encodeInputs(decoded.inputs);
    for (const part of ['rk=early_loss', 'gb=24', 'es=7', 'eb=16', 'eh=120']) expect(again).toContain(part);
    expect(decodeInputs(again).inputs).toEqual(decoded.inputs);
    // Defaults stay out of a link.
    expect(encodeInputs(defaultInputs())).not.toMatch(/(^|&)(rk|gb|es|eb|eh)=/);
    const args = parseSearchArgs(['--rank-by', 'snip', '--gradient-batch', '24', '--early-steps', '7', '--json'], {});
    expect(args !== 'help' && [args.settings.rankBy, args.proxyKnobs]).toEqual(['snip', { gradientBatch: 24, earlySteps: 7, earlyBatch: 32, earlyHeldOut: 500 }]);
    // Knobs that ask for more images than the data set's training part holds are refused before any work.
    expect(() => parseSearchArgs(['--rank-by', 'early_loss', '--early-steps', '1000', '--early-batch', '512', '--json'], {})).toThrow(
      /^ranking by early_loss: 1000 early-training steps of 512 and 500 held-out images needs 512500 training images; mnist has 8000 outside its test split$/,
    );
    expect(parseSearchArgs(['--rank-by', 'params', '--early-steps', '1000', '--early-batch', '512', '--json'], {})).not.toBe('help');
    expect(() => parseSearchArgs(['--rank-by', 'naswot', '--json'], {})).toThrow(/Rank by: 'naswot' is not one of snasnet, params, synops, early_loss, early_accuracy, snip, grad_norm/);
  });

  it("has calibrate's proxy defaults, which calibrate reads from the table", () => {
    const d = defaultParams();
    expect([d.gradientBatch, d.earlySteps, d.earlyBatch, d.earlyHeldOut]).toEqual([CALIBRATE_DEFAULTS.gradientBatch, CALIBRATE_DEFAULTS.earlySteps, CALIBRATE_DEFAULTS.earlyBatch, CALIBRATE_DEFAULTS.earlyHeldOut]);
    const args = parseCalibrateArgs(['--early-steps', '9', '--json']);
    expect(args !== 'help' && args.settings.proxyImages).toMatchObject({ gradientBatch: 64, earlySteps: 9, earlyBatch: 32, earlyHeldOut: 500 });
    expect(() => parseCalibrateArgs(['--gradient-batch', '1', '--json'])).toThrow(/Gradient batch: 1 is outside 2–512/);
  });
});

describe('a run ranked by a lower-is-better proxy', () => {
  it('keeps the raw values in its file and reads back ranked the same way: the best is the lowest', async () => {
    // Scores that fall with the weight count: a lower-is-better ranking must train the largest candidates.
    const evaluators: Evaluators = {
      async score(genomes, _signal, onScore) {
        genomes.forEach((g, i) => onScore(i, 1 / g.length + Number(g.match(/^c(\d+)/)![1]) ** -1));
      },
      async train() {
        throw new Error('not trained here');
      },
    };
    const settings = { ...searchSettingsFromParams(defaultParams()), rankBy: 'early_loss' as const, samples: 60, seed: 3, topK: 0 };
    const run = await runSearch(settings, evaluators);
    const text = runJson(runDataFromSearch(run), new Date(0));
    expect(JSON.parse(text).settings.rank_by).toBe('early_loss');
    const back = parseRunJson(text);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.run.settings.rankBy).toBe('early_loss');
    const scored = back.run.candidates.filter((c) => c.score !== null);
    expect(scored.length).toBeGreaterThan(5);
    for (const c of scored) expect(c.score).toBe(run.candidates[c.index].score);
    const lowest = Math.min(...scored.map((c) => c.score as number));
    expect(topByScore(back.run.candidates, 1, back.run.settings.rankBy)[0].score).toBe(lowest);
  });
});

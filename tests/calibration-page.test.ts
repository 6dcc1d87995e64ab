/** The page's calibration settings (the same as the command line's for the same inputs), its estimate, and reading calibration files. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCalibrateArgs } from '../src/cli/calibrate.ts';
import { calibrationDocument, parseCalibrationDocument } from '../src/core/calibration/document.ts';
import { CalibrationInputError, PAGE_CALIBRATION_DEFAULTS, estimateCalibration, pageCalibrationSettings } from '../src/core/calibration/settings.ts';
import { pickCandidates } from '../src/core/calibration/run.ts';
import { DEFAULT_AXES } from '../src/core/inputs.ts';
import { defaultParams } from '../src/core/params.ts';

const inputs = (over: Partial<ReturnType<typeof defaultParams>> = {}) => ({ params: { ...defaultParams(), ...over }, hwEdits: {}, axes: DEFAULT_AXES });

describe('the page calibration', () => {
  it('has the settings neuronas calibrate builds from the same inputs', () => {
    const knobs = { candidates: 6, epochs: 1, trainSamples: 500, seedRepeats: 1, proxies: ['snasnet', 'params', 'snip'] as ('snasnet' | 'params' | 'snip')[] };
    const page = pageCalibrationSettings(inputs({ samples: 400, seed: 4, channelsMax: 8, timestepsMax: 2 }), knobs);
    const cli = parseCalibrateArgs(['--samples', '400', '--seed', '4', '--channels-max', '8', '--timesteps-max', '2', '--candidates', '6', '--epochs', '1', '--train-samples', '500', '--test-samples', '500', '--seed-repeats', '1', '--proxies', 'params,snip,snasnet']);
    if (cli === 'help') throw new Error('help');
    expect(page).toEqual(cli.settings);
  });

  it('refuses an uploaded data set and knobs out of range with a message', () => {
    expect(() => pageCalibrationSettings(inputs({ dataset: 'cifar10' }), { ...PAGE_CALIBRATION_DEFAULTS })).toThrow(/embedded data sets/);
    expect(() => pageCalibrationSettings(inputs(), { ...PAGE_CALIBRATION_DEFAULTS, candidates: 3 })).toThrow(CalibrationInputError);
    expect(() => pageCalibrationSettings(inputs(), { ...PAGE_CALIBRATION_DEFAULTS, proxies: [] })).toThrow('choose at least one proxy');
  });

  it('estimates the default run at a few minutes, the early-training proxies adding most of the proxies’ time', () => {
    const s = pageCalibrationSettings(inputs(), { ...PAGE_CALIBRATION_DEFAULTS });
    const e = estimateCalibration(s);
    expect(e.seconds).toBeGreaterThan(60);
    expect(e.seconds).toBeLessThan(300);
    const all = estimateCalibration({ ...s, proxies: [...s.proxies, 'early_loss', 'early_accuracy'] });
    expect(all.trainSeconds).toBe(e.trainSeconds);
    expect(all.proxySeconds).toBeGreaterThan(3 * e.proxySeconds);
    // One more seed repeat trains one more candidate again.
    expect(estimateCalibration({ ...s, seedRepeats: s.seedRepeats + 1 }).trainSeconds).toBeGreaterThan(e.trainSeconds);
  });
});

describe('reading calibration files', () => {
  it('reads the measured MNIST calibration and what the writer makes', () => {
    const doc = parseCalibrationDocument(readFileSync('docs/calibration/mnist.json', 'utf8'));
    expect(doc.candidates).toHaveLength(16);
    expect(doc.statistics.correlations.length).toBeGreaterThan(0);
    // A stopped run with one untrained candidate, written and read back.
    const s = pageCalibrationSettings(inputs(), { ...PAGE_CALIBRATION_DEFAULTS, candidates: 6 });
    const { picked } = pickCandidates(s);
    const candidates = picked.map((p, i) => ({ index: i, genome: p.genome, stratum: p.stratum, costs: p.costs, proxies: { params: p.costs.params, snasnet: i === 2 ? NaN : -50 - i }, proxy_ms: {}, proxy_errors: {}, accuracy_float: i < 5 ? 0.5 + i / 20 : NaN, accuracy_quantized: i < 5 ? 0.5 + i / 21 : NaN, train_seconds: 1 }));
    const written = calibrationDocument({ settings: s, pool: { sampled: 1, feasible: 1, stratified_by: 'params', strata: [] }, proxies: [], candidates, seed_pairs: [], statistics: doc.statistics, timings: { proxies_s: 0, training_s: 0, total_s: 0 }, stopped: true }, { backend: 'wasm', reason: 'test' });
    const back = parseCalibrationDocument(JSON.stringify(written));
    expect(back.candidates[2].proxies.snasnet).toBeNull();
    expect(back.candidates[5].accuracy_quantized).toBeNull();
    expect(back.stopped).toBe(true);
  });

  it('says what is wrong with a file that is not one', () => {
    expect(() => parseCalibrationDocument('{"format":')).toThrow(/^the file is not JSON/);
    expect(() => parseCalibrationDocument('[]')).toThrow('this is not a readable calibration file: it is not a JSON object');
    expect(() => parseCalibrationDocument('{"format":"neuronas-run"}')).toThrow('its format is "neuronas-run", not "neuronas-calibration"');
    const good = JSON.parse(readFileSync('docs/calibration/mnist.json', 'utf8'));
    expect(() => parseCalibrationDocument(JSON.stringify({ ...good, format_version: 2 }))).toThrow('format version 2 is newer than this studio reads (1)');
    expect(() => parseCalibrationDocument(JSON.stringify({ ...good, settings: { ...good.settings, proxies: ['luck'] } }))).toThrow('unknown proxy "luck"');
    const broken = structuredClone(good);
    broken.candidates[3].proxies.params = 'many';
    expect(() => parseCalibrationDocument(JSON.stringify(broken))).toThrow('candidate 4 has a proxy value that is not a number');
    expect(() => parseCalibrationDocument(JSON.stringify({ ...good, statistics: {} }))).toThrow('its statistics are missing');
  });
});

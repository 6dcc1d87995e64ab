/**
 * Files and links written before the in-memory hardware config went camelCase
 * (commit 463f7aa, when HardwareConfig's keys were the snake_case file names)
 * still read to the same config, and are written again exactly as they were.
 *
 * The fixtures are that commit's own output for one set of page inputs (12
 * samples, seed 7, xbar 128, 4-bit cells, area budget 20 mm², six edited
 * constants): `run-snake-case-hardware.json` is a neuronas search written by
 * runJson (deterministic stand-in evaluators, as in export.test.ts);
 * `links-snake-case-hardware.json` holds the share link of the same inputs in
 * both forms and the hardware config they gave (hardwareFromParams, then
 * keyed in snake_case); `estimate-snake-case-hardware.json` is one `estimate`
 * input with hardware overrides and the report it gave.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { costInput } from '../src/cli/estimate.ts';
import { hardwareJson } from '../src/core/cost/hardware.ts';
import { parseRunJson, runJson } from '../src/core/files/run.ts';
import { hardwareFromParams } from '../src/core/settings.ts';
import { PARAMS, PARAM_KEYS, type ParamDef } from '../src/core/params.ts';
import { decodeInputs, encodeInputs } from '../src/core/url.ts';

/** Knobs added to the table after the fixture was written (optionalInFiles): its files lack them. */
const ADDED_KNOBS = PARAM_KEYS.filter((k) => (PARAMS[k] as ParamDef).optionalInFiles);

/** A run file's text without the lines of knobs added since (in the inputs; the cell type also in the space). */
const withoutAddedKnobs = (text: string) =>
  text
    .replace(/^\s*"cell_type": "forward",\n/gm, '')
    .replace(/^\s*"rank_by": "snasnet",\n/gm, '')
    .replace(new RegExp(`^\\s*"(${ADDED_KNOBS.join('|')})": [^\\n]*\\n`, 'gm'), '')
    // The last of the inputs' params lost its successor's comma.
    .replace(/,(\n\s*\})/g, '$1');

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

const runText = fixture('run-snake-case-hardware.json');
const links = JSON.parse(fixture('links-snake-case-hardware.json')) as { plain: string; compressed: string; hardware: Record<string, unknown> };
const estimate = JSON.parse(fixture('estimate-snake-case-hardware.json')) as { input: unknown; report: Record<string, unknown> };

/** The edits of the fixtures' inputs, keyed in memory. */
const EDITS = { pesPerTile: 16, xbarRef: 128, signedScheme: 'differential', clockMhz: 200, eAdcPj: 2.5, aBufferCellUm2: 17.5 };

describe('a run file written before the rename', () => {
  const read = parseRunJson(runText);
  if (!read.ok) throw new Error(read.problems.join('\n'));
  const { run } = read;

  it('reads without a problem or a warning, its hardware and edits keyed in memory', () => {
    expect(read.warnings).toEqual([]);
    expect(run.settings.hardware).toMatchObject({ xbar: 128, cellBits: 4, ...EDITS });
    expect(hardwareJson(run.settings.hardware)).toEqual(links.hardware);
    expect(run.inputs?.hwEdits).toEqual(EDITS);
    // Its page inputs give the very config its settings hold.
    expect(hardwareFromParams(run.inputs!.params, run.inputs!.hwEdits)).toEqual(run.settings.hardware);
  });

  it('is written again byte for byte', () => {
    // Written again, it differs only by the knobs added to the table since (the cell type, the neuron view's).
    expect(withoutAddedKnobs(runJson(run, new Date(JSON.parse(runText).exported_at))) + '\n').toBe(runText);
  });
});

describe('a share link made before the rename', () => {
  for (const form of ['plain', 'compressed'] as const) {
    it(`opens the same (${form})`, () => {
      const d = decodeInputs(links[form]);
      expect(d.problems).toEqual([]);
      expect(d.compressed).toBe(form === 'compressed');
      expect(d.inputs.hwEdits).toEqual(EDITS);
      expect(hardwareJson(hardwareFromParams(d.inputs.params, d.inputs.hwEdits))).toEqual(links.hardware);
    });
  }

  it('holds the inputs the run file holds, and is written again as it was', () => {
    const d = decodeInputs(links.plain);
    const read = parseRunJson(runText);
    // But for the ranking: the file's search ranked by SNASNet's score, which its settings say (rank_by absent: the
    // only ranking there was); the link leaves the knob out, so it opens at today's default.
    expect(read.ok && read.run.inputs!.params.rankBy).toBe('snasnet');
    expect(d.inputs.params.rankBy).toBe('params');
    expect(read.ok && { ...read.run.inputs!, params: { ...read.run.inputs!.params, rankBy: 'params' } }).toEqual(d.inputs);
    expect(encodeInputs(d.inputs, { form: 'plain' })).toBe(links.plain);
    expect(decodeInputs(encodeInputs(d.inputs, { form: 'compressed' })).inputs).toEqual(d.inputs);
  });
});

describe('an estimate input written before the rename', () => {
  it('gives the same report, its hardware keyed in snake_case', () => {
    expect(JSON.parse(JSON.stringify(costInput(estimate.input)))).toEqual(estimate.report);
  });
});

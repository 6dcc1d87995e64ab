/**
 * The accelerator: preset, cost model, crossbar size and bits per cell from
 * the parameter table, and a table of every constant of the preset (built
 * from the cost module's field descriptors) to copy the preset and edit it.
 */
import { useId } from 'react';
import { panelParams } from '../../core/params.ts';
import { HARDWARE_FIELDS, PRESET_NAMES, describeRange, fieldProblem, type FieldGroup, type HardwareField } from '../../core/cost/hardware.ts';
import { useStudio } from '../state/store.ts';
import { KNOB_FIELDS, PER_ARCHITECTURE_FIELDS, presetValue, studioHardware } from '../state/hardware.ts';
import { ParamControl } from '../controls/ParamControl.tsx';
import { useEntry } from '../controls/entry.ts';
import './panels.css';

const GROUP_TITLES: Record<FieldGroup, string> = {
  model: 'Model',
  mapping: 'Mapping',
  precision: 'Precision',
  timing: 'Timing',
  energy: 'Energy per use',
  area: 'Area',
};

export function HardwarePanel() {
  const p = useStudio((s) => s.params);
  const edits = useStudio((s) => s.hwEdits);
  const resolution = studioHardware(p, edits);
  return (
    <section className="panel" aria-labelledby="hw-title">
      <h2 id="hw-title">Hardware</h2>
      {panelParams('hardware').map((key) => (
        <ParamControl key={key} paramKey={key} options={key === 'preset' ? PRESET_NAMES : undefined} />
      ))}
      {p.costMode === 'spikesim' ? <p className="panel-note">SpikeSim mode stores one weight per cell: bits per cell and weight bits do not change the mapping.</p> : null}
      {resolution.error ? (
        <p className="field-error" role="alert">
          Hardware not used: {resolution.error.message}
        </p>
      ) : null}
      <p className="panel-note">
        Every other constant of the preset can be copied and edited under{' '}
        <a
          href="#constants"
          onClick={(e) => {
            // The fragment holds the share link: open and scroll to the table without navigating to #constants.
            e.preventDefault();
            const d = document.getElementById('constants');
            if (d instanceof HTMLDetailsElement) d.open = true;
            d?.scrollIntoView({ block: 'start' });
            d?.querySelector('summary')?.focus({ preventScroll: true });
          }}
        >
          Preset constants
        </a>
        , below the chart.
      </p>
    </section>
  );
}

/** The preset's constants as an editable table: a copy of the preset, costed as soon as a value is valid. */
export function ConstantsPanel() {
  const preset = useStudio((s) => s.params.preset);
  const edits = useStudio((s) => s.hwEdits);
  const resetHwEdits = useStudio((s) => s.resetHwEdits);
  const editable = HARDWARE_FIELDS.filter((f) => !KNOB_FIELDS.includes(f.key) && !PER_ARCHITECTURE_FIELDS.includes(f.key));
  const groups = [...new Set(editable.map((f) => f.group))];
  const edited = Object.keys(edits).length;
  return (
    <details className="panel constants" id="constants" data-testid="constants">
      <summary>
        <h2 id="constants-title">Preset constants</h2> <span className="panel-note">copy the preset and edit any constant{edited ? ` · ${edited} edited` : ''}</span>
      </summary>
      <div className="constants-body">
        <p className="panel-note">
          Starts from <code>{preset}</code>; an edited value re-costs every candidate. Timesteps and weight bits come from each sampled
          architecture; crossbar size, bits per cell and the cost model from the Hardware controls.
        </p>
        <table>
          <thead>
            <tr>
              <th scope="col">Constant</th>
              <th scope="col">Value</th>
              <th scope="col">Unit</th>
              <th scope="col">What it is · where the default comes from</th>
            </tr>
          </thead>
          {groups.map((g) => (
            <tbody key={g}>
              <tr className="group-row">
                <th scope="rowgroup" colSpan={4}>
                  {GROUP_TITLES[g]}
                </th>
              </tr>
              {editable
                .filter((f) => f.group === g)
                .map((f) => (
                  <ConstantRow key={f.key} field={f} preset={preset} />
                ))}
            </tbody>
          ))}
        </table>
        <button type="button" onClick={resetHwEdits} disabled={edited === 0}>
          Reset to preset
        </button>
      </div>
    </details>
  );
}

function ConstantRow({ field, preset }: { field: HardwareField; preset: string }) {
  const id = useId();
  const edit = useStudio((s) => s.hwEdits[field.key]);
  const setHwEdit = useStudio((s) => s.setHwEdit);
  const base = presetValue(preset, field.key);
  const value = edit ?? base;
  const entry = useEntry<number | string>(
    String(value),
    (text) => {
      const v = field.type === 'enum' ? text : Number(text.trim());
      const bad = text.trim() === '' ? 'enter a value' : fieldProblem(field, v);
      return bad ? { problem: bad } : { value: v };
    },
    (v) => setHwEdit(field.key, v === base ? undefined : v),
  );
  const problem = entry.problem;
  return (
    <tr className={edit !== undefined ? 'edited' : undefined}>
      <th scope="row">
        <label htmlFor={id}>
          <code>{field.file}</code>
        </label>
      </th>
      <td>
        {field.type === 'enum' ? (
          <select id={id} value={String(value)} aria-describedby={`${id}-help`} onChange={(e) => entry.commit(e.currentTarget.value)}>
            {field.allowed!.map((o) => (
              <option key={String(o)}>{String(o)}</option>
            ))}
          </select>
        ) : (
          <input
            id={id}
            type="text"
            inputMode="decimal"
            value={entry.draft}
            aria-describedby={`${id}-help${problem ? ` ${id}-err` : ''}`}
            aria-invalid={problem ? true : undefined}
            title={describeRange(field)}
            onChange={(e) => entry.edit(e.currentTarget.value)}
            onBlur={() => entry.commit()}
            onKeyDown={(e) => {
              if (e.key === 'Enter') entry.commit();
              if (e.key === 'Escape') entry.revert();
            }}
          />
        )}
        {problem ? (
          <span id={`${id}-err`} className="field-error" role="alert">
            {problem}
          </span>
        ) : null}
      </td>
      <td>{field.unit}</td>
      <td className="what" id={`${id}-help`}>
        {field.help} · {field.source}
      </td>
    </tr>
  );
}

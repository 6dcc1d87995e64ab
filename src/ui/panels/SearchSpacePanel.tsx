/** Search-space and sampling knobs; any change re-samples and re-costs in the worker. */
import { useId } from 'react';
import { PARAMS, clampNumber } from '../../core/params.ts';
import { useStudio } from '../state/store.ts';
import { EntryProblem, NumberEntry, NumberSlider, useNumberEntry } from '../controls/NumberSlider.tsx';
import { FlagCheckbox, SetCheckboxes } from '../controls/Choice.tsx';

export function SearchSpacePanel() {
  const p = useStudio((s) => s.params);
  const setParam = useStudio((s) => s.setParam);
  return (
    <section className="panel" aria-labelledby="space-title">
      <h2 id="space-title">Search space</h2>
      <SetCheckboxes def={PARAMS.ops} value={p.ops} onChange={(v) => setParam('ops', v)} />
      <FlagCheckbox def={PARAMS.requireDirectEdge} value={p.requireDirectEdge} onChange={(v) => setParam('requireDirectEdge', v)} />
      <FlagCheckbox def={PARAMS.sharedCell} value={p.sharedCell} onChange={(v) => setParam('sharedCell', v)} />
      <NumberSlider paramKey="channelsMin" def={PARAMS.channelsMin} value={p.channelsMin} onChange={(v) => setParam('channelsMin', v)} />
      <NumberSlider paramKey="channelsMax" def={PARAMS.channelsMax} value={p.channelsMax} onChange={(v) => setParam('channelsMax', v)} />
      <NumberSlider paramKey="channelsStep" def={PARAMS.channelsStep} value={p.channelsStep} onChange={(v) => setParam('channelsStep', v)} />
      <SetCheckboxes def={PARAMS.hidden} value={p.hidden} onChange={(v) => setParam('hidden', v)} />
      <NumberSlider paramKey="timestepsMin" def={PARAMS.timestepsMin} value={p.timestepsMin} onChange={(v) => setParam('timestepsMin', v)} />
      <NumberSlider paramKey="timestepsMax" def={PARAMS.timestepsMax} value={p.timestepsMax} onChange={(v) => setParam('timestepsMax', v)} />
      <SetCheckboxes def={PARAMS.weightBits} value={p.weightBits} onChange={(v) => setParam('weightBits', v)} format={(b) => `${b}-bit`} />
      <h3>Sampling</h3>
      <NumberSlider paramKey="samples" def={PARAMS.samples} value={p.samples} entry onChange={(v) => setParam('samples', v)} />
      <SeedInput value={p.seed} onChange={(v) => setParam('seed', v)} />
    </section>
  );
}

/** The seed applies as it is typed (each valid value re-samples, debounced); bad text is shown, never clamped. */
function SeedInput({ value, onChange }: { value: number; onChange(v: number): void }) {
  const id = useId();
  const d = PARAMS.seed;
  const typed = useNumberEntry(d, value, onChange, { live: true });
  return (
    <div className="knob">
      <div className="knob-head">
        <label htmlFor={id}>{d.label}</label>
        <span className="seed">
          <NumberEntry id={id} paramKey="seed" def={d} entry={typed} problemId={`${id}-problem`} describedBy={`${id}-help`} testId="input-seed" />
          <button type="button" onClick={() => onChange(clampNumber(d, Math.floor(Math.random() * 100000)))}>
            New seed
          </button>
        </span>
      </div>
      <EntryProblem paramKey="seed" def={d} value={value} entry={typed} id={`${id}-problem`} />
      <p id={`${id}-help`} className="help">
        {d.help}
      </p>
    </div>
  );
}

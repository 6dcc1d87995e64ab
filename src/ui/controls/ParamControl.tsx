/**
 * The control of any knob of the parameter table, drawn from its definition
 * alone: a number's slider, slider and text box, or text box (its `control`),
 * a choice's select, a set's checkboxes, a flag's checkbox. Panels list
 * their knobs with `panelParams`, so a knob added to the table with a panel
 * gets its control with no further UI code.
 */
import { useId, type ReactNode } from 'react';
import { PARAMS, type NumberParam, type ParamDef, type ParamKey, type ParamValues } from '../../core/params.ts';
import { useStudio } from '../state/store.ts';
import { ChoiceSelect, FlagCheckbox, SetCheckboxes } from './Choice.tsx';
import { EntryProblem, NumberEntry, NumberSlider, useNumberEntry } from './NumberSlider.tsx';
import './controls.css';

export interface ParamControlExtras {
  /** a number knob's line under its slider (what a budget rules out) */
  footer?: ReactNode;
  /** a box-only number knob's button beside its box (a new seed) */
  action?: ReactNode;
  /** a choice's options, where the page offers a subset or superset of the table's */
  options?: readonly (string | number)[];
  /** a set's option labels */
  format?: (option: string | number) => string;
}

export function ParamControl({ paramKey, footer, action, options, format }: { paramKey: ParamKey } & ParamControlExtras) {
  const value = useStudio((s) => s.params[paramKey]);
  const setParam = useStudio((s) => s.setParam);
  const set = (v: unknown) => setParam(paramKey, v as ParamValues[typeof paramKey]);
  const d = PARAMS[paramKey] as ParamDef;
  switch (d.type) {
    case 'number':
      return d.control === 'box' ? (
        <NumberBox paramKey={paramKey} def={d} value={value as number} onChange={set} action={action} />
      ) : (
        <NumberSlider paramKey={paramKey} def={d} value={value as number} entry={d.control === 'slider+box'} footer={footer} onChange={set} />
      );
    case 'choice':
      return <ChoiceSelect paramKey={paramKey} def={d} value={value as string | number} options={options} onChange={set} testId={`select-${paramKey}`} />;
    case 'set':
      return <SetCheckboxes paramKey={paramKey} def={d} value={value as (string | number)[]} onChange={set} format={format} />;
    case 'flag':
      return <FlagCheckbox paramKey={paramKey} def={d} value={value as boolean} onChange={set} />;
  }
}

/** A number knob with a text box and no slider (the seed: a slider over 0 … 2³¹ − 1 would be useless); applies as typed, when valid. */
function NumberBox({ paramKey, def, value, onChange, action }: { paramKey: ParamKey; def: NumberParam; value: number; onChange(v: number): void; action?: ReactNode }) {
  const id = useId();
  const typed = useNumberEntry(def, value, onChange, { live: true });
  return (
    <div className="knob" data-param={paramKey}>
      <div className="knob-head">
        <label htmlFor={id}>{def.label}</label>
        <span className="seed">
          <NumberEntry id={id} paramKey={paramKey} def={def} entry={typed} problemId={`${id}-problem`} describedBy={`${id}-help`} testId={`input-${paramKey}`} />
          {action}
        </span>
      </div>
      <EntryProblem paramKey={paramKey} def={def} value={value} entry={typed} id={`${id}-problem`} />
      <p id={`${id}-help`} className="help">
        {def.help}
      </p>
    </div>
  );
}

/** Select, checkbox group and checkbox for the choice, set and flag knobs of the parameter table. */
import { useId } from 'react';
import type { ChoiceParam, FlagParam, ParamKey, SetParam } from '../../core/params.ts';
import './controls.css';

export function ChoiceSelect<T extends string | number>({ paramKey, def, value, options, onChange, testId }: { paramKey?: ParamKey; def: ChoiceParam<T>; value: T; options?: readonly T[]; onChange(v: T): void; testId?: string }) {
  const id = useId();
  const opts = options ?? def.options;
  return (
    <div className="knob knob-inline" data-param={paramKey}>
      <label htmlFor={id}>{def.label}</label>
      <select
        id={id}
        value={String(value)}
        aria-describedby={`${id}-help`}
        data-testid={testId}
        onChange={(e) => {
          const picked = opts.find((o) => String(o) === e.currentTarget.value);
          if (picked !== undefined) onChange(picked);
        }}
      >
        {opts.map((o) => (
          <option key={String(o)} value={String(o)}>
            {def.optionLabels?.[o] ?? String(o)}
          </option>
        ))}
      </select>
      <p id={`${id}-help`} className="help">
        {def.help}
        {def.unit ? ` (${def.unit})` : ''}
      </p>
    </div>
  );
}

export function SetCheckboxes<T extends string | number>({ paramKey, def, value, onChange, format }: { paramKey?: ParamKey; def: SetParam<T>; value: readonly T[]; onChange(v: T[]): void; format?: (o: T) => string }) {
  const id = useId();
  return (
    <fieldset className="knob set" aria-describedby={`${id}-help`} data-param={paramKey}>
      <legend>{def.label}</legend>
      <div className="set-options">
        {def.options.map((o) => {
          const checked = value.includes(o);
          const last = checked && value.length === 1 && !def.mayBeEmpty;
          return (
            <label key={String(o)} className="check" title={last ? 'At least one must stay selected' : undefined}>
              <input
                type="checkbox"
                checked={checked}
                disabled={last}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  onChange(def.options.filter((x) => (x === o ? on : value.includes(x))));
                }}
              />
              <span>{format ? format(o) : (def.optionLabels?.[o] ?? String(o))}</span>
            </label>
          );
        })}
      </div>
      <p id={`${id}-help`} className="help">
        {def.help}
      </p>
    </fieldset>
  );
}

export function FlagCheckbox({ paramKey, def, value, onChange }: { paramKey?: ParamKey; def: FlagParam; value: boolean; onChange(v: boolean): void }) {
  const id = useId();
  return (
    <div className="knob" data-param={paramKey}>
      <label className="check">
        <input type="checkbox" checked={value} aria-describedby={`${id}-help`} onChange={(e) => onChange(e.currentTarget.checked)} />
        <span>{def.label}</span>
      </label>
      <p id={`${id}-help`} className="help">
        {def.help}
      </p>
    </div>
  );
}

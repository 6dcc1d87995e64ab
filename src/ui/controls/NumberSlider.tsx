/**
 * A range input for a number knob of the parameter table: label, unit,
 * help text (aria-describedby), log mapping for budgets and "no limit" at the
 * top of an unbounded range, all read from the knob's definition. Optional
 * text entry for exact values, which never changes a value on its own: bad
 * text is shown as such at the field, and the knob keeps its last good value.
 */
import { useId, useState, type ReactNode } from 'react';
import { budgetLimit, readNumberEntry, type NumberParam, type ParamKey } from '../../core/params.ts';
import { useEntry, type Entry, type EntryOptions } from './entry.ts';
import { positionOfValue, sliderRange, valueAtPosition } from '../../core/slider.ts';
import { formatCompact, formatCount } from '../../core/metrics.ts';
import './controls.css';

export function formatKnob(d: NumberParam, v: number): string {
  if (budgetLimit(d, v) === Infinity) return 'no limit';
  const text = d.integer && v < 100000 ? formatCount(v) : formatCompact(v);
  return d.unit ? `${text} ${d.unit}` : text;
}

interface Props {
  paramKey: ParamKey;
  def: NumberParam;
  value: number;
  onChange(value: number): void;
  /** show a text box for exact values */
  entry?: boolean;
  /** extra line under the slider (e.g. what the budget rules out) */
  footer?: ReactNode;
  disabled?: boolean;
}

export function NumberSlider({ paramKey, def, value, onChange, entry = false, footer, disabled }: Props) {
  const id = useId();
  const helpId = `${id}-help`;
  const problemId = `${id}-problem`;
  const typed = useNumberEntry(def, value, onChange);
  const range = sliderRange(def);
  const shown = formatKnob(def, value);
  // Several log positions can round to one value: keep the thumb where the user put it while it still shows the value,
  // so arrow keys never get stuck on a position whose value rounds back to the previous one.
  const [held, setHeld] = useState(() => positionOfValue(def, value));
  const position = valueAtPosition(def, held) === value ? held : positionOfValue(def, value);
  return (
    <div className="knob" data-param={paramKey}>
      <div className="knob-head">
        <label htmlFor={id}>{def.label}</label>
        {entry ? (
          <NumberEntry paramKey={paramKey} def={def} entry={typed} problemId={problemId} describedBy={helpId} disabled={disabled} />
        ) : (
          <output htmlFor={id} className="knob-value" data-testid={`value-${paramKey}`}>
            {shown}
          </output>
        )}
      </div>
      {entry ? <EntryProblem paramKey={paramKey} def={def} value={value} entry={typed} id={problemId} /> : null}
      <input
        id={id}
        type="range"
        min={range.min}
        max={range.max}
        step={range.step}
        value={position}
        aria-describedby={helpId}
        aria-valuetext={shown}
        disabled={disabled}
        data-testid={`slider-${paramKey}`}
        onChange={(e) => {
          const p = Number(e.currentTarget.value);
          setHeld(p);
          onChange(valueAtPosition(def, p));
        }}
      />
      {footer}
      <p id={helpId} className="help">
        {def.help}
      </p>
    </div>
  );
}

/** The text of a knob value in its box: "no limit" at the top of a budget. */
function entryText(d: NumberParam, v: number): string {
  return budgetLimit(d, v) === Infinity ? 'no limit' : String(v);
}

/** The state of a number knob's text box: only a valid value (readNumberEntry) reaches `onChange`. */
export function useNumberEntry(def: NumberParam, value: number, onChange: (v: number) => void, options?: EntryOptions): Entry {
  return useEntry(entryText(def, value), (text) => readNumberEntry(def, text), onChange, options);
}

interface EntryProps {
  paramKey: ParamKey;
  def: NumberParam;
  entry: Entry;
  /** id of the problem message (EntryProblem) */
  problemId: string;
  /** ids of further descriptions (the help text) */
  describedBy?: string;
  disabled?: boolean;
  /** the box's own id, where a <label htmlFor> names it */
  id?: string;
  testId?: string;
}

/**
 * Text box for an exact value; applies on Enter or blur (or as typed, for a live entry), accepts "none" for no limit.
 * Bad text stays in the box, marked invalid, with its problem (EntryProblem) tied to it by aria-describedby.
 */
export function NumberEntry({ paramKey, def, entry, problemId, describedBy, disabled, id, testId }: EntryProps) {
  const invalid = entry.problem !== null;
  return (
    <span className="entry">
      <input
        id={id}
        className="entry-input"
        type="text"
        inputMode="decimal"
        aria-label={id ? undefined : `${def.label} value${def.unit ? ` in ${def.unit}` : ''}`}
        title={`Type a value${def.unboundedAtMax ? ' or "none"' : ''}; Enter to apply`}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={[invalid ? problemId : '', describedBy ?? ''].filter(Boolean).join(' ') || undefined}
        value={entry.draft}
        disabled={disabled}
        data-testid={testId ?? `entry-${paramKey}`}
        onChange={(e) => entry.edit(e.currentTarget.value)}
        onBlur={() => entry.commit()}
        onKeyDown={(e) => {
          if (e.key === 'Enter') entry.commit();
          if (e.key === 'Escape') entry.revert();
        }}
      />
      {def.unit && entry.draft !== 'no limit' ? <span className="entry-unit">{def.unit}</span> : null}
    </span>
  );
}

/** The problem of a number box, at the field, with the value still in use; announced when it appears. */
export function EntryProblem({ paramKey, def, value, entry, id }: { paramKey: ParamKey; def: NumberParam; value: number; entry: Entry; id: string }) {
  if (entry.problem === null) return null;
  return (
    <p id={id} className="field-error" role="alert" data-testid={`problem-${paramKey}`}>
      {entry.problem} Still using {formatKnob(def, value)}.
    </p>
  );
}

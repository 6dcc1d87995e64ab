/**
 * A range input for a number knob of the parameter table: label, unit,
 * help text (aria-describedby), log mapping for budgets and "no limit" at the
 * top of an unbounded range, all read from the knob's definition. Optional
 * text entry for exact values.
 */
import { useEffect, useId, useState, type ReactNode } from 'react';
import { budgetLimit, parseParamText, type NumberParam, type ParamKey } from '../../core/params.ts';
import { positionOfValue, sliderRange, valueAtPosition } from '../../core/slider.ts';
import { formatCompact, formatCount } from '../../core/metrics.ts';

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
          <ValueEntry paramKey={paramKey} def={def} value={value} onChange={onChange} label={def.label} disabled={disabled} />
        ) : (
          <output htmlFor={id} className="knob-value" data-testid={`value-${paramKey}`}>
            {shown}
          </output>
        )}
      </div>
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

/** Text box for an exact value; commits on Enter or blur, accepts "none" for no limit. */
function ValueEntry({ paramKey, def, value, onChange, label, disabled }: { paramKey: ParamKey; def: NumberParam; value: number; onChange(v: number): void; label: string; disabled?: boolean }) {
  const text = budgetLimit(def, value) === Infinity ? 'no limit' : String(value);
  const [draft, setDraft] = useState(text);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setDraft(text);
    setProblem(null);
  }, [text]);
  const commit = () => {
    const t = draft.trim().toLowerCase();
    const parsed = parseParamText(paramKey, t === 'no limit' ? 'none' : t.replace(/[,_\s]/g, ''));
    setProblem(parsed.problem ?? null);
    onChange(parsed.value as number);
    if (parsed.value === value) setDraft(text);
  };
  return (
    <span className="entry">
      <input
        className="entry-input"
        type="text"
        inputMode="decimal"
        aria-label={`${label} value${def.unit ? ` in ${def.unit}` : ''}`}
        title={problem ?? `Type a value${def.unboundedAtMax ? ' or "none"' : ''}; Enter to apply`}
        aria-invalid={problem ? true : undefined}
        value={draft}
        disabled={disabled}
        data-testid={`entry-${paramKey}`}
        onChange={(e) => setDraft(e.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setDraft(text);
        }}
      />
      {def.unit && budgetLimit(def, value) !== Infinity ? <span className="entry-unit">{def.unit}</span> : null}
    </span>
  );
}

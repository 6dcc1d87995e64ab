/**
 * The four NeuroNAS budgets. Moving a slider re-derives feasibility on the
 * main thread (no worker round trip); each slider says how many candidates
 * exceed it and how many it alone rules out.
 */
import { formatCount } from '../../core/metrics.ts';
import { BUDGETS } from '../../core/feasibility.ts';
import { useStudio } from '../state/store.ts';
import { ParamControl } from '../controls/ParamControl.tsx';
import { ScenarioPicker } from './ScenarioPicker.tsx';
import './panels.css';
import { Explainer } from '../explain/Explainer.tsx';

const fmt = formatCount;

export function BudgetPanel() {
  const counts = useStudio((s) => s.feasibility.counts);
  return (
    <section className="panel" aria-labelledby="budgets-title">
      <h2 id="budgets-title">Budgets</h2>
      <ScenarioPicker />
      <p className="panel-note">Candidates above any budget are greyed out. The top of a slider means no limit.</p>
      {BUDGETS.map(({ key }, b) => (
        <ParamControl
          key={key}
          paramKey={key}
          footer={
            <p className="rules-out" title={`${fmt(counts.over[b])} candidates exceed this budget; ${fmt(counts.only[b])} of them meet every other budget, so this one alone rules them out.`}>
              over budget <strong data-testid={`over-${key}`}>{fmt(counts.over[b])}</strong>
              <span className="sep" aria-hidden="true">·</span>
              ruled out by this alone <strong data-testid={`only-${key}`}>{fmt(counts.only[b])}</strong>
            </p>
          }
        />
      ))}
      {/* After the sliders, so they stay in view on a small screen. */}
      <Explainer id="budgets" />
    </section>
  );
}

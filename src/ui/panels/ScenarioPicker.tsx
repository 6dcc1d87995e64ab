/**
 * Settings from the literature in one click: each scenario sets knobs of the
 * table (so the link carries them); the one whose values the knobs hold is
 * shown pressed.
 */
import { defaultParams } from '../../core/params.ts';
import { SCENARIOS, SCENARIO_IDS, scenarioHolds, scenarioParams } from '../../core/scenarios.ts';
import { selectInputs, studioStore, useStudio } from '../state/store.ts';

const DEFAULTS = defaultParams();

export function ScenarioPicker() {
  const params = useStudio((s) => s.params);
  const apply = (id: (typeof SCENARIO_IDS)[number]) => {
    const s = studioStore.getState();
    // Every knob the scenario leaves alone goes back to its default, so what it shows is the published setting.
    s.setInputs({ ...selectInputs(s), params: scenarioParams(id, DEFAULTS) });
  };
  return (
    <div className="scenario-picker" role="group" aria-label="Start from a published setting">
      <span className="scenario-title">Start from</span>
      {SCENARIO_IDS.map((id) => (
        <button key={id} type="button" aria-pressed={scenarioHolds(id, params, DEFAULTS)} title={SCENARIOS[id].help} data-testid={`scenario-${id}`} onClick={() => apply(id)}>
          {SCENARIOS[id].label}
        </button>
      ))}
    </div>
  );
}

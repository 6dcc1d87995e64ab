/** Search-space and sampling knobs (the table's `space` and `sampling` panels); any change re-samples and re-costs in the worker. */
import { PARAMS, clampNumber, panelParams } from '../../core/params.ts';
import { useStudio } from '../state/store.ts';
import { ParamControl } from '../controls/ParamControl.tsx';

export function SearchSpacePanel() {
  const setParam = useStudio((s) => s.setParam);
  return (
    <section className="panel" aria-labelledby="space-title">
      <h2 id="space-title">Search space</h2>
      {panelParams('space').map((key) => (
        <ParamControl key={key} paramKey={key} format={key === 'weightBits' ? (b) => `${b}-bit` : undefined} />
      ))}
      <h3>Sampling</h3>
      {panelParams('sampling').map((key) => (
        <ParamControl
          key={key}
          paramKey={key}
          action={
            key === 'seed' ? (
              <button type="button" onClick={() => setParam('seed', clampNumber(PARAMS.seed, Math.floor(Math.random() * 100000)))}>
                New seed
              </button>
            ) : undefined
          }
        />
      ))}
    </section>
  );
}

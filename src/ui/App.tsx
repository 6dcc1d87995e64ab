/** The studio's first page: budgets, hardware and search space on the left; the costed candidates on the right. */
import { BudgetPanel } from './panels/BudgetPanel.tsx';
import { ConstantsPanel, HardwarePanel } from './panels/HardwarePanel.tsx';
import { PlotPanel } from './panels/PlotPanel.tsx';
import { SearchSpacePanel } from './panels/SearchSpacePanel.tsx';
import { Summary } from './panels/Summary.tsx';

export function App({ onRetry }: { onRetry(): void }) {
  return (
    <div className="app">
      <header className="app-header">
        <h1>NeuroNAS Studio</h1>
        <p>Hardware-aware search for spiking neural networks on RRAM compute-in-memory chips: sample architectures, cost them on the crossbars, keep what fits the budgets.</p>
      </header>
      <main className="layout">
        <aside className="controls" aria-label="Settings">
          <BudgetPanel />
          <HardwarePanel />
          <SearchSpacePanel />
        </aside>
        <div className="results">
          <Summary onRetry={onRetry} />
          <PlotPanel />
          <ConstantsPanel />
        </div>
      </main>
      <footer className="app-footer">
        Cost model after SpikeSim's ELA model (65 nm RRAM) with NeuroNAS's extensions; search after NeuroNAS (arXiv 2407.00641) and SNASNet. Energy assumes every
        input spikes (rate 1) until spike rates are measured.
      </footer>
    </div>
  );
}

/**
 * The studio's first page: budgets (the main control, first so they are in view on a 1366×768 screen), the search,
 * hardware and search space on the left; the costed candidates on the right; the neuron view below.
 */
import { ActionsContext } from './exchange/actions-context.ts';
import { ThemeToggle } from './controls/ThemeToggle.tsx';
import { ExplainAgainButton } from './explain/Explainer.tsx';
import { ImportBanner } from './exchange/ImportBanner.tsx';
import { CopyLinkButton, ExportMenu, ImportRunButton } from './exchange/Toolbar.tsx';
import type { StudioActions } from './exchange/run-actions.ts';
import { BudgetPanel } from './panels/BudgetPanel.tsx';
import { ConstantsPanel, HardwarePanel } from './panels/HardwarePanel.tsx';
import { PlotPanel } from './panels/PlotPanel.tsx';
import { SearchSpacePanel } from './panels/SearchSpacePanel.tsx';
import { Summary } from './panels/Summary.tsx';
import { LinkNoticeBanner } from './url/LinkNoticeBanner.tsx';
import { SearchPanel } from './panels/SearchPanel.tsx';
import { SearchContext } from './search/context.ts';
import type { SearchController } from './search/controller.ts';
import { SearchResults } from './search/SearchResults.tsx';
import { LinkRunPrompt } from './search/LinkRunPrompt.tsx';
import { NeuronView, NeuronViewLink } from './neuron/NeuronView.tsx';
import { RunListContext, RunsPanel, StorageProblemBanner } from './runs/RunsPanel.tsx';
import type { RunListActions } from './runs/list-actions.ts';
import { ClassroomMenu } from './classroom/ClassroomMenu.tsx';
import { HiddenPanelsNotice } from './classroom/HiddenPanelsNotice.tsx';
import { useHiddenPanels } from './classroom/hidden-panels.ts';
import { CalibrationContext } from './calibration/context.ts';
import type { CalibrationController } from './calibration/controller.ts';
import { CalibrationControls, CalibrationResults } from './calibration/CalibrationPanel.tsx';

export function App({ actions, search, runs, calibration }: { actions: StudioActions; search: SearchController; runs: RunListActions; calibration: CalibrationController }) {
  // A classroom link may hide panels (the parameter table's hidePanels); the notice says which and shows them again.
  const hide = useHiddenPanels();
  const noControls = hide.budgets && hide.search && hide.hardware && hide.space;
  return (
    <ActionsContext.Provider value={actions}>
      <SearchContext.Provider value={search}>
      <RunListContext.Provider value={runs}>
      <CalibrationContext.Provider value={calibration}>
      <div className="app">
        <header className="app-header">
          <div className="app-title">
            <h1>NeuroNAS Studio</h1>
            <p>Hardware-aware search for spiking neural networks on RRAM compute-in-memory chips: sample architectures, cost them on the crossbars, keep what fits the budgets.</p>
          </div>
          <nav className="toolbar" aria-label="Share, export and display">
            {hide.neuron ? null : <NeuronViewLink />}
            <ExplainAgainButton />
            <CopyLinkButton />
            <ClassroomMenu />
            <ExportMenu />
            <ImportRunButton />
            <ThemeToggle />
          </nav>
        </header>
        <LinkNoticeBanner />
        <LinkRunPrompt />
        <ImportBanner />
        <StorageProblemBanner />
        <HiddenPanelsNotice />
        <main className={noControls ? 'layout no-controls' : 'layout'}>
          {noControls ? null : (
            <aside className="controls" aria-label="Settings">
              {hide.budgets ? null : <BudgetPanel />}
              {hide.search ? null : <SearchPanel />}
              {hide.search ? null : <CalibrationControls />}
              {hide.hardware ? null : <HardwarePanel />}
              {hide.space ? null : <SearchSpacePanel />}
            </aside>
          )}
          <div className="results">
            <SearchResults />
            <CalibrationResults />
            {hide.costs ? null : <Summary onRetry={actions.retry} />}
            {hide.costs ? null : <PlotPanel />}
            <RunsPanel />
            {hide.hardware ? null : <ConstantsPanel />}
          </div>
        </main>
        {hide.neuron ? null : <NeuronView />}
        <footer className="app-footer">
          Cost model after SpikeSim's ELA model (65 nm RRAM) with NeuroNAS's extensions; search after NeuroNAS (arXiv 2407.00641) and SNASNet. Energy assumes every
          input spikes (rate 1) until spike rates are measured.
        </footer>
      </div>
      </CalibrationContext.Provider>
      </RunListContext.Provider>
      </SearchContext.Provider>
    </ActionsContext.Provider>
  );
}

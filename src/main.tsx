/** Entry of the page: the React tree, the costing worker and the controller that keeps them in step. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App.tsx';
import { CostingClient } from './ui/costing/client.ts';
import { startCostingController } from './ui/costing/controller.ts';
import { studioStore } from './ui/state/store.ts';
import './ui/styles.css';

const client = new CostingClient(() => new Worker(new URL('./workers/costing.worker.ts', import.meta.url), { type: 'module', name: 'costing' }));
const controller = startCostingController(studioStore, client);

declare global {
  interface Window {
    /** hooks for the end-to-end tests and the bench */
    __neuronasTest?: { crashWorker(): void; workersSpawned(): number };
  }
}
window.__neuronasTest = { crashWorker: () => client.crashForTest(), workersSpawned: () => client.spawned };

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App onRetry={controller.retry} />
  </StrictMode>,
);

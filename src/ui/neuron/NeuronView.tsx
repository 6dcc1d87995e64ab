/**
 * The neuron view: the spiking neuron these networks are made of, to play
 * with (NeuronPanel), and what a layer of them does with two real images,
 * as the training-free score compares them (RasterPanel).
 */
import { NeuronPanel } from './NeuronPanel.tsx';
import { RasterPanel } from './RasterPanel.tsx';
import './neuron.css';

export const NEURON_VIEW_ID = 'neuron-view';

/** A link in the page's header to the neuron view, below the results. */
export function NeuronViewLink() {
  return (
    <a
      className="neuron-view-link"
      href={`#${NEURON_VIEW_ID}`}
      data-testid="neuron-view-link"
      onClick={(e) => {
        // The fragment holds the share link: scroll to the view without navigating to #neuron-view.
        e.preventDefault();
        const view = document.getElementById(NEURON_VIEW_ID);
        view?.scrollIntoView({ block: 'start' });
        view?.querySelector('h2')?.focus({ preventScroll: true });
      }}
    >
      Neuron view ↓
    </a>
  );
}

export function NeuronView() {
  return (
    <section id={NEURON_VIEW_ID} className="neuron-view" aria-labelledby="neuron-view-title" data-testid="neuron-view">
      <h2 id="neuron-view-title" tabIndex={-1}>
        Neuron view
      </h2>
      <p className="neuron-view-intro">
        What the candidates are made of: one spiking neuron, and the spikes of one layer of a candidate on two images.
      </p>
      <NeuronPanel />
      <RasterPanel />
    </section>
  );
}

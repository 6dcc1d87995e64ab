/**
 * The proxies a search can rank candidates by, as data: a name, a direction
 * (is a higher value a better candidate?), what it costs to compute, and
 * where it comes from. The two that need only the cost model are computed
 * here (pure core); the ones that run the network are in src/tf/proxies.ts.
 *
 * Every proxy of one calibration uses the same seed (weight initialisation
 * and image choice) and reads only images of the data set's training part
 * (core/calibration/plan.ts `proxyImagePlan`), never its test split.
 */
import { layerSums, type Architecture } from '../arch/architecture.ts';

export const PROXY_NAMES = ['snasnet', 'params', 'synops', 'early_loss', 'early_accuracy', 'snip', 'grad_norm'] as const;
export type ProxyName = (typeof PROXY_NAMES)[number];

export interface ProxyDef {
  name: ProxyName;
  label: string;
  /** 'higher': a larger value predicts a more accurate network; 'lower': a smaller one does */
  direction: 'higher' | 'lower';
  /** what computing it takes: the cost model only, one forward pass, one gradient pass, or a few training steps */
  needs: 'cost' | 'forward' | 'gradient' | 'training';
  /** where it comes from and what exactly is computed */
  source: string;
}

export const PROXIES: Readonly<Record<ProxyName, ProxyDef>> = Object.freeze({
  snasnet: {
    name: 'snasnet',
    label: 'SNASNet score',
    direction: 'higher',
    needs: 'forward',
    source:
      'Kim et al., "Neural Architecture Search for Spiking Neural Networks", ECCV 2022: log|det K| of the sparsity-aware Hamming kernel of the untrained network\'s spikes (src/core/snn/score.ts), averaged over `score_repeats` batches of `score_batch` training images with the same initial weights (SNASNet: 2 batches of 256)',
  },
  params: {
    name: 'params',
    label: 'Parameters',
    direction: 'higher',
    needs: 'cost',
    source: "the cost model's weight count Σ k²·Cin·Cout (NeuroNAS's memory budget counts these)",
  },
  synops: {
    name: 'synops',
    label: 'Synaptic operations',
    direction: 'higher',
    needs: 'cost',
    source:
      "the cost model's synaptic operations per inference, T·Σ k²·Cin·Cout·hout², at input spike rate 1 for every layer (the rate the model assumes when no measured rates are given; hout is the map the layer's neurons fire on, the pooled one after the down-conv, as SpikeSim counts)",
  },
  early_loss: {
    name: 'early_loss',
    label: 'Early-training loss',
    direction: 'lower',
    needs: 'training',
    source: 'cross-entropy on held-out training images after `early_steps` seeded training steps (the trainer of src/tf/train.ts, its default Adam, constant learning rate); a learning-curve proxy in the spirit of early stopping',
  },
  early_accuracy: {
    name: 'early_accuracy',
    label: 'Early-training accuracy',
    direction: 'higher',
    needs: 'training',
    source: 'accuracy on the same held-out training images after the same steps as early_loss (one run gives both)',
  },
  snip: {
    name: 'snip',
    label: 'SNIP',
    direction: 'higher',
    needs: 'gradient',
    source:
      'Lee et al., "SNIP: Single-shot Network Pruning based on Connection Sensitivity", ICLR 2019, as the zero-cost NAS proxy of Abdelfattah et al., "Zero-Cost Proxies for Lightweight NAS", ICLR 2021: Σ |w ⊙ ∂L/∂w| over the layer weights at initialisation, one batch of training images, the surrogate gradient through time',
  },
  grad_norm: {
    name: 'grad_norm',
    label: 'Gradient norm',
    direction: 'higher',
    needs: 'gradient',
    source: 'Abdelfattah et al., "Zero-Cost Proxies for Lightweight NAS", ICLR 2021 (grad_norm): Σ over layers of ‖∂L/∂w‖₂ at initialisation, from the same gradient pass as snip',
  },
});

/**
 * The proxies computed from the cost model alone: the cost report's parameters and its synaptic operations with every
 * input firing (rate 1, as the report charges without measured rates), T · Σ k²·Cin·Cout·Hout² over its layers. One
 * walk over the layers, no report: a search ranked by synops computes this for every candidate. Neither depends on
 * the hardware.
 */
export function costProxies(arch: Architecture): { params: number; synops: number } {
  const s = layerSums(arch);
  return { params: s.params, synops: arch.timesteps * s.macs };
}

/** A proxy value turned so that larger always predicts better (NaN stays NaN). */
export function oriented(def: ProxyDef, value: number): number {
  return def.direction === 'higher' ? value : -value;
}

/** Reads a comma list of proxy names; throws a RangeError naming the unknown ones. */
export function parseProxyList(text: string): ProxyName[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(PROXY_NAMES as readonly string[]).includes(n));
  if (unknown.length || names.length === 0) throw new RangeError(`unknown proxy ${unknown.length ? unknown.map((u) => `'${u}'`).join(', ') : "''"} (known: ${PROXY_NAMES.join(', ')})`);
  return PROXY_NAMES.filter((n) => names.includes(n));
}

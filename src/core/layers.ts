/**
 * The layer list: each weight layer of a network in execution order, the
 * common input of the cost estimator and the tfjs model builder.
 * conv: k×k kernel on an hin×hin map; hout is the map its neurons fire on
 * (the pooled size where a pooling follows inside the same block).
 * fc: k = 1, hin = hout = 1.
 */
export type LayerKind = 'conv' | 'fc';

export interface Layer {
  kind: LayerKind;
  cin: number;
  cout: number;
  k: number;
  hin: number;
  hout: number;
  /** Stable name the model builder looks weights up by, e.g. `cell1.e01`. */
  name?: string;
}

export function layerWeights(l: Layer): number {
  return l.k * l.k * l.cin * l.cout;
}

/**
 * '@tensorflow/tfjs' as the page's and the workers' bundles see it (vite.config.ts aliases the union package here for
 * them; Node, the CLI and the tests keep the union package, whose CommonJS build registers the same gradients).
 *
 * What this project takes from the union package is what it adds to tfjs-core: every op's gradient (the unfused
 * path's autodiff needs them; tfjs-core registers none) and the chained ops. The rest of it — tfjs-layers,
 * -converter, -data and the WebGL backend — was about half of the training worker's bundle, parsed by every worker
 * at its start; backend.ts loads the WebGL backend on demand.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';

export * from '@tensorflow/tfjs-core';

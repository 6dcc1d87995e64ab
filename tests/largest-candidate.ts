/** Test helper: the largest candidate the studio's default search space can sample, from the parameter table. */
import type { Architecture } from '../src/core/arch/architecture.ts';
import { NO_BACKWARD, OP_CODE, type Op } from '../src/core/arch/cell.ts';
import { defaultParams } from '../src/core/params.ts';
import { searchSpaceFromParams } from '../src/core/settings.ts';
import { compileSpace } from '../src/core/arch/sampler.ts';

/**
 * Widest base width, widest hidden layer, most timesteps, and every cell edge
 * `edge` (default conv3×3: the most maps of all).
 */
export function largestDefaultCandidate(edge: Op = 'conv3x3'): Architecture {
  const space = searchSpaceFromParams(defaultParams());
  compileSpace(space);
  if (!space.ops.includes(edge)) throw new Error(`the default space has no ${edge}`);
  const cell = { forward: new Array<number>(6).fill(OP_CODE[edge]), backward: NO_BACKWARD };
  return {
    cells: [cell, cell],
    channels: space.channels.max,
    hidden: Math.max(...space.hidden),
    timesteps: space.timesteps.max,
    weightBits: Math.max(...space.weightBits),
    input: space.input,
    classes: space.classes,
  };
}

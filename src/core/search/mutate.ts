/**
 * Mutation of an architecture inside its search space, for the evolutionary
 * baseline: one random change (an edge operation of one cell, or one
 * dimension moved to a neighbouring value), always yielding a valid cell.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { NO_BACKWARD, OP_CODE, cellProblem, type Cell } from '../arch/cell.ts';
import type { Architecture } from '../arch/architecture.ts';
import type { CompiledSpace } from '../arch/sampler.ts';

/** Valid cells one edge change away from `forward` (same op set and rules as the space); at most 6·4 candidates. */
function cellNeighbours(c: CompiledSpace, forward: readonly number[]): number[][] {
  const out: number[][] = [];
  const rules = { requireDirectEdge: c.space.requireDirectEdge };
  for (let e = 0; e < forward.length; e++) {
    for (const op of c.space.ops) {
      const code = OP_CODE[op];
      if (code === forward[e]) continue;
      const next = [...forward];
      next[e] = code;
      if (cellProblem({ forward: next, backward: NO_BACKWARD }, rules) === null) out.push(next);
    }
  }
  return out;
}

function neighbourValue(rng: RandomGenerator, values: readonly number[], current: number): number {
  const i = values.indexOf(current);
  if (values.length < 2) return current;
  if (i < 0) return values[uniformInt(rng, 0, values.length - 1)];
  if (i === 0) return values[1];
  if (i === values.length - 1) return values[i - 1];
  return values[uniformInt(rng, 0, 1) === 0 ? i - 1 : i + 1];
}

export function mutate(rng: RandomGenerator, c: CompiledSpace, a: Architecture): Architecture {
  // Choice 0..1 changes a cell (twice as likely: the cell is most of the space), 2..5 a dimension.
  for (let attempt = 0; attempt < 8; attempt++) {
    const what = uniformInt(rng, 0, 5);
    if (what <= 1) {
      const which = c.space.sharedCell ? 0 : uniformInt(rng, 0, 1);
      const options = cellNeighbours(c, a.cells[which].forward);
      if (options.length === 0) continue;
      const cell: Cell = { forward: options[uniformInt(rng, 0, options.length - 1)], backward: NO_BACKWARD };
      const cells: [Cell, Cell] = c.space.sharedCell ? [cell, cell] : which === 0 ? [cell, a.cells[1]] : [a.cells[0], cell];
      return { ...a, cells };
    }
    const [values, field] =
      what === 2 ? [c.channels, 'channels'] : what === 3 ? [c.hidden, 'hidden'] : what === 4 ? [c.timesteps, 'timesteps'] : [c.weightBits, 'weightBits'];
    if (values.length < 2) continue;
    return { ...a, [field]: neighbourValue(rng, values, a[field as 'channels']) };
  }
  return a;
}

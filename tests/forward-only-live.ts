/**
 * Test helper: the live nodes as the studio pruned cells before 2026-12-05, on forward edges alone (nodes on a
 * path 0→3 through non-zero forward edges; 0 when node 3 is not reached). Forward-only cells must still be pruned
 * so (the forward calibrations in docs/calibration/ were measured on networks pruned so); backward cells were pruned
 * so until then.
 */
import { EDGES, EDGE_FROM, EDGE_TO } from '../src/core/arch/cell.ts';

export function forwardOnlyLive(forward: readonly number[]): number {
  let fromInput = 1;
  for (let e = 0; e < EDGES; e++) if (forward[e] !== 0 && fromInput & (1 << EDGE_FROM[e])) fromInput |= 1 << EDGE_TO[e];
  let toOutput = 1 << 3;
  for (let e = EDGES - 1; e >= 0; e--) if (forward[e] !== 0 && toOutput & (1 << EDGE_TO[e])) toOutput |= 1 << EDGE_FROM[e];
  const live = fromInput & toOutput;
  return live & (1 << 3) ? live : 0;
}

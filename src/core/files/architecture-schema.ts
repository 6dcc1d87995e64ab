/**
 * The architecture document's schema: the format's one definition (the
 * writer, architecture.ts, types its output by it). The studio writes this
 * document and does not read it back, so no page or command loads this
 * module; the writer imports only its types. Its parts are the
 * other formats': the layer list is the `estimate` input's (LAYERS_SCHEMA),
 * so a document's layers can be costed again as they are, and the epochs
 * are the run file's.
 */
import { custom, nullable, tuple, type InferOutput } from 'valibot';
import { OPS } from '../arch/cell.ts';
import { isPlainObject } from '../cost/errors.ts';
import type { CostReport } from '../cost/report.ts';
import { LAYERS_SCHEMA } from '../cost/validate.ts';
import { ARCHITECTURE_FORMAT, ARCHITECTURE_FORMAT_VERSION } from './architecture.ts';
import { EPOCH_SCHEMA } from './document.ts';
import { bool, describeValue, genomeText, list, num, obj, oneOf, str } from './schema.ts';

const node = () => num({ min: 0, max: 3, integer: true });

/** A cell as arch/describe.ts spells it out. */
const CELL_SCHEMA = obj({
  /** the genome's digits of this cell */
  digits: str(),
  /** nodes on a path from the cell input (0) to its output (3); the others are pruned */
  liveNodes: list(node(), { max: 4 }),
  /** every edge that carries an operation other than zero */
  edges: list(
    obj({
      direction: oneOf(['forward', 'backward'], (x) => `expected "forward" or "backward", got ${describeValue(x)}`),
      from: node(),
      to: node(),
      op: oneOf(OPS, (x) => `${describeValue(x)} is not an operation (${OPS.join(', ')})`),
      active: bool(),
    }),
    { max: 12 },
  ),
});

const ARCHITECTURE_SCHEMA = obj({
  channels: num({ min: 1, integer: true }),
  hidden: num({ min: 1, integer: true }),
  timesteps: num({ min: 1, integer: true }),
  weight_bits: num({ min: 1, integer: true }),
  input: obj({ size: num({ min: 1, integer: true }), channels: num({ min: 1, integer: true }) }),
  classes: num({ min: 2, integer: true }),
  /** one cell used at both stages */
  shared_cell: bool(),
  /** stage 1 (C channels) and stage 2 (2C channels) */
  cells: tuple([CELL_SCHEMA, CELL_SCHEMA], (issue) => `expected the two cells, got ${describeValue(issue.input)}`),
});

export const ARCHITECTURE_DOCUMENT_SCHEMA = obj({
  format: oneOf([ARCHITECTURE_FORMAT], (x) => `expected "${ARCHITECTURE_FORMAT}", got ${describeValue(x)}`),
  format_version: oneOf([ARCHITECTURE_FORMAT_VERSION], (x) => `expected ${ARCHITECTURE_FORMAT_VERSION}, got ${describeValue(x)}`),
  studio_version: str(),
  exported_at: str(),
  genome: genomeText(),
  architecture: ARCHITECTURE_SCHEMA,
  layers: LAYERS_SCHEMA,
  /** the full report (cost/report.ts, what `neuronas estimate` prints): per layer, per component, KPIs, utilisation, memory, the hardware used, notes; its shape is report.ts's and is not checked again here */
  cost: custom<CostReport>(isPlainObject, (issue) => `expected the cost report, an object, got ${describeValue(issue.input)}`),
  training: nullable(
    obj({
      accuracy_float: num({ min: 0, max: 1 }),
      accuracy_quantized: num({ min: 0, max: 1 }),
      spike_rates: list(num({ min: 0, max: 1 }), { max: 4096 }),
      epochs: list(EPOCH_SCHEMA, { max: 100_000 }),
    }),
  ),
});

export type ArchitectureJson = InferOutput<typeof ARCHITECTURE_SCHEMA>;
export type ArchitectureDocument = InferOutput<typeof ARCHITECTURE_DOCUMENT_SCHEMA>;

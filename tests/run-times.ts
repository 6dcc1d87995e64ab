/**
 * A run document without when each candidate was scored and trained: like its `timings`, they differ from machine
 * to machine (and a run merged from shards has none), so runs compared "to the bit" are compared without them.
 */
export function withoutEvaluationTimes<D extends { candidates: object[]; trained: object[] }>(doc: D): D {
  const drop = <T extends object>(o: T, key: string): T => {
    const { [key]: _, ...rest } = o as Record<string, unknown>;
    return rest as T;
  };
  return { ...doc, candidates: doc.candidates.map((c) => drop(c, 'scored_at_ms')), trained: doc.trained.map((t) => drop(t, 'trained_at_ms')) };
}

/** Telling a full storage quota from other storage failures (apart from run-db.ts so the recorder can ask without loading it). */
/** The error a full quota raises (a DOMException named QuotaExceededError, possibly as a transaction's abort cause). */
export function isQuotaError(e: unknown): boolean {
  const name = (x: unknown) => (x && typeof x === 'object' && 'name' in x ? (x as { name: unknown }).name : null);
  return name(e) === 'QuotaExceededError' || name((e as { cause?: unknown })?.cause) === 'QuotaExceededError';
}

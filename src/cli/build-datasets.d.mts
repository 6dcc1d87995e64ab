// Types of src/cli/build-datasets.mjs (plain Node ESM), for the TypeScript code that imports it.

export interface BuiltDataset {
  name: string;
  /** absolute path of the .bin file */
  path: string;
  count: number;
  bytes: number;
  /** false when the file was already up to date */
  built: boolean;
}

export interface BuildOptions {
  /** default: <repo>/public/data */
  outDir?: string;
  force?: boolean;
  only?: string[];
  log?: (line: string) => void;
}

export const DEFAULT_OUT_DIR: string;
export const DATASET_SOURCES: ReadonlyArray<{ name: string; file: string; inputs(): string[] }>;
export function encodeDatasetFile(name: string, byClass: Uint8Array[][]): Uint8Array;
export function buildDatasets(options?: BuildOptions): BuiltDataset[];

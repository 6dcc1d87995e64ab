/** The cost model's public surface: hardware data, validation, fast totals, detailed report. */
export * from './errors.ts';
export * from './hardware.ts';
export * from './validate.ts';
export * from './estimator.ts';
export * from './report.ts';

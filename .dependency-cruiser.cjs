/**
 * The layers of src/ (README, "Layout of the code"): a file's folder says
 * which thread it runs on and what it may use. `npm test` checks these
 * rules (tests/layers.test.ts); `npx depcruise src` prints any breach.
 * Only imports that remain at run time count: `import type` is erased.
 */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'src/core/ runs the same in Node, workers and tests: no React, no tfjs, no DOM-side layer, no Node built-ins.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { dependencyTypesNot: ['type-only'], path: ['^src/(tf|workers|worker-host|protocol|ui|cli)/', 'node_modules/(react|react-dom|@tensorflow|zustand|recharts|comlink)/'] },
    },
    {
      name: 'core-no-node-builtins',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'tf-below-workers',
      comment: 'src/tf/ is the tfjs layer: workers and the CLI use it, it does not reach up into them or the page.',
      severity: 'error',
      from: { path: '^src/tf/' },
      to: { dependencyTypesNot: ['type-only'], path: '^src/(workers|worker-host|ui|cli)/' },
    },
    {
      name: 'protocol-is-types',
      comment: 'src/protocol/ holds what both ends of a worker call share; at run time it uses only the core (type imports are erased).',
      severity: 'error',
      from: { path: '^src/protocol/' },
      to: { dependencyTypesNot: ['type-only'], path: '^src/(tf|workers|worker-host|ui|cli)/' },
    },
    {
      name: 'page-without-tfjs',
      comment: "The page's thread only renders: tfjs runs in workers. src/worker-host/ (the bridge that owns workers) is for any thread.",
      severity: 'error',
      from: { path: '^src/ui/' },
      to: { dependencyTypesNot: ['type-only'], path: ['^src/(tf|workers|cli)/', 'node_modules/@tensorflow/'] },
    },
    {
      name: 'workers-not-page',
      severity: 'error',
      from: { path: '^src/(workers|worker-host)/' },
      to: { dependencyTypesNot: ['type-only'], path: '^src/(ui|cli)/' },
    },
    {
      name: 'cli-not-page',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { dependencyTypesNot: ['type-only'], path: '^src/ui/' },
    },
    {
      name: 'runtime-not-build-scripts',
      comment: 'scripts/ is build tooling (Vite plugins, the Chromium check); the studio and CLI do not import it.',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypesNot: ['type-only'], path: '^scripts/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are kept in the graph (marked 'type-only') and each rule leaves them out: they are erased by
    // the compiler. (With false, dependency-cruiser 17 transpiles .ts as TSX and misreads generic arrows as JSX.)
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.d\\.m?ts$' },
  },
};

/**
 * The layers of src/, checked by `npm run lint` (`depcruise src`):
 *   engine (protocol, no DOM rendering) < i18n (strings) < elements (Lit) < cdn, index.ts
 * A lower layer never imports a higher one, and no file imports itself back through others.
 * Rule reference: https://github.com/sverweij/dependency-cruiser/blob/main/doc/rules-reference.md
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment:
        'An import cycle in src/ (type-only imports count): move the shared part down a layer.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'engine-imports-only-engine',
      severity: 'error',
      comment:
        'The engine is the lowest layer, usable headless: it imports neither the strings nor the elements.',
      from: { path: '^src/engine/' },
      to: { path: '^src/(i18n|elements|cdn)/|^src/index\\.ts$' },
    },
    {
      name: 'i18n-imports-no-element',
      severity: 'error',
      comment: 'The strings sit under the elements: a type they need belongs in the engine.',
      from: { path: '^src/i18n/' },
      to: { path: '^src/(elements|cdn)/|^src/index\\.ts$' },
    },
    {
      name: 'elements-import-no-entry',
      severity: 'error',
      comment:
        'The entries (src/index.ts, src/cdn/) sit on top: nothing in the elements imports them.',
      from: { path: '^src/elements/' },
      to: { path: '^src/cdn/|^src/index\\.ts$' },
    },
    {
      name: 'imports-resolve',
      severity: 'error',
      comment:
        'An import the check cannot resolve is an edge it cannot see: every one must resolve.',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript API for dependency-cruiser to parse with: swc parses.
    parser: 'swc',
    // Type-only imports are edges too: a type cycle is still a cycle between two modules.
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs'],
    },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.json$' },
  },
};

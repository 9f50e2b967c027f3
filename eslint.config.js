import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layering (README, "Layout"): http/cli → agents, molecules → retrieval, linking, llm →
 * bridge, store, encoders, chem → kg → errors, util, config. Each folder may import only inward.
 */
/** The layers above bridge, store, encoders and chem, which none of those may import. */
const ABOVE_BRIDGE = ['linking', 'retrieval', 'llm', 'agents', 'molecules', 'indexing', 'eval'];
const SOURCE_LAYERS = {
  'src/util': ['*'],
  'src/config': ['*'],
  'src/runtime': ['*'],
  // Object stores (S3, file://) sit beside util: they know bytes and keys, not indexes.
  'src/storage': ['*'],
  'src/kg': ['bridge', 'store', 'encoders', 'chem', ...ABOVE_BRIDGE],
  'src/chem': ['kg', 'bridge', 'store', 'encoders', ...ABOVE_BRIDGE],
  'src/store': ['bridge', ...ABOVE_BRIDGE],
  'src/encoders': ['bridge', 'store', ...ABOVE_BRIDGE],
  'src/bridge': ['encoders', ...ABOVE_BRIDGE],
  'src/linking': ['retrieval', 'llm', 'agents', 'molecules', 'indexing', 'eval'],
  'src/retrieval': ['llm', 'agents', 'molecules', 'indexing', 'eval'],
  'src/llm': ['retrieval', 'linking', 'agents', 'molecules', 'indexing', 'eval'],
  'src/agents': ['molecules', 'indexing', 'eval'],
  'src/molecules': ['agents', 'indexing', 'eval'],
  'src/indexing': ['agents', 'molecules', 'eval', 'llm'],
  'src/eval': [],
  'src/http': ['indexing', 'eval'],
};
const OUTERMOST = ['http', 'cli', 'services', 'server'];

function layerRules() {
  return Object.entries(SOURCE_LAYERS).map(([folder, forbidden]) => {
    const names = forbidden.includes('*')
      ? [
          'kg',
          'chem',
          'store',
          'encoders',
          'bridge',
          'linking',
          'retrieval',
          'llm',
          'agents',
          'molecules',
          'indexing',
          'eval',
        ]
      : forbidden;
    const outer = folder === 'src/http' ? OUTERMOST.filter((name) => name !== 'http') : OUTERMOST;
    return {
      files: [`${folder}/**/*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [...names, ...outer].map((name) => ({
              regex: `^(\\.\\./)+${name}(/|\\.js$)`,
              message: `${folder} sits below ${name} in the layering; depend inward only (see README "Layout").`,
            })),
          },
        ],
      },
    };
  });
}

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'indexes/**', 'train/**', 'data/**', 'coverage/**', 'docs/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only src/config reads process.env.' },
      ],
    },
  },
  {
    // Type-aware rules where they catch real bugs: promises nobody awaits (streams, aborts),
    // switches that miss a case, unsafe `any` flowing into typed code.
    files: ['src/**/*.ts', 'test/**/*.ts', 'eval/**/*.ts', 'scripts/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeCheckedOnly],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
      // Async functions without await implement async interfaces (stores, fakes); not a bug.
      '@typescript-eslint/require-await': 'off',
      // Services are plain objects of closures (no `this`), so passing a method on is safe.
      '@typescript-eslint/unbound-method': 'off',
      // The house style spells optional inputs `?: T | undefined` (exactOptionalPropertyTypes).
      '@typescript-eslint/no-duplicate-type-constituents': 'off',
      // An aborted signal's `reason` (typed any) is the value aborts reject with.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true }],
    },
  },
  {
    // Tests read JSON bodies (`any`) on purpose and assert on them.
    files: ['test/**/*.ts', 'eval/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Fakes rethrow whatever a test scripted.
      '@typescript-eslint/only-throw-error': 'off',
    },
  },
  ...layerRules(),
  {
    // House style: no function over 100 lines of code (blank lines and comments not counted), so
    // each reads as a list of named stages. A function that is a table (one entry per case, nothing
    // else) may opt out on its line: `// eslint-disable-next-line max-lines-per-function -- a table`.
    files: ['src/**/*.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 100, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // The web UI's browser modules (served as they are, no build step).
    files: ['web/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'window',
          'document',
          'location',
          'localStorage',
          'sessionStorage',
          'fetch',
          'URL',
          'URLSearchParams',
          'Blob',
          'TextDecoderStream',
          'CustomEvent',
          'AbortController',
          'setTimeout',
          'clearTimeout',
          'console',
          'requestAnimationFrame',
          'ResizeObserver',
          'getComputedStyle',
        ].map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    files: ['bin/**'],
    languageOptions: { globals: { process: 'readonly' } },
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: [
      'src/config/**',
      'src/cli/index.ts',
      'src/server.ts',
      'test/**',
      'eval/**',
      'scripts/**',
      '*.config.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
);

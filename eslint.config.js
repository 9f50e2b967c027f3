import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'indexes/**', 'train/**', 'data/**', 'coverage/**'] },
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
    // The web UI's browser modules (served as they are, no build step).
    files: ['web/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        [
          'window', 'document', 'location', 'localStorage', 'sessionStorage', 'fetch', 'URL', 'URLSearchParams',
          'Blob', 'TextDecoderStream', 'CustomEvent', 'AbortController', 'setTimeout', 'clearTimeout', 'console',
          'requestAnimationFrame', 'ResizeObserver', 'getComputedStyle',
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
    files: ['src/config/**', 'src/cli/index.ts', 'src/server.ts', 'test/**', 'eval/**', 'scripts/**', '*.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);

// Lint rules, plus the one-way layering of STYLE.md enforced as import restrictions:
// irc ← twitch ← store ← collector/api ← cli. A layer may not import a layer to its right.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((dir) => ({ group: [`**/${dir}/*`, `../${dir}/*`, `./${dir}/*`], message: `${files[0]} may not import ${dir}/ (see STYLE.md: dependencies point one way)` })) }],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  layer(['src/irc/**'], ['twitch', 'store', 'collector', 'api', 'auth', 'sim', 'cli']),
  layer(['src/twitch/**'], ['store', 'collector', 'api', 'auth', 'sim', 'cli']),
  layer(['src/store/**'], ['collector', 'api', 'auth', 'sim', 'cli']),
  layer(['src/auth/**'], ['store', 'collector', 'api', 'sim', 'cli']),
  layer(['src/collector/**'], ['api', 'sim', 'cli', 'store/sqlite', 'store/postgres']),
  layer(['src/api/**'], ['collector', 'sim', 'auth', 'cli', 'store/sqlite', 'store/postgres']),
  layer(['src/sim/**'], ['twitch', 'store', 'collector', 'api', 'auth', 'cli']),
);

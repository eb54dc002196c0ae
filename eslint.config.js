// ESLint's flat config: JavaScript's and typescript-eslint's recommended rules over the
// TypeScript and JavaScript of src, test, bench, scripts and examples. Formatting is Prettier's
// job (npm run format:check), so no rule here is about layout. assembly/ is AssemblyScript,
// whose function decorators (@inline) no TypeScript parser reads; asc checks it when it builds.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'build/', 'dist/', 'docs/api/', 'assembly/', 'examples/web/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      // `_name` marks a parameter an interface asks for but this implementation does not use.
      // The tokeniser's ASCII fast paths test ranges such as [\x00-\x7f] on purpose.
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);

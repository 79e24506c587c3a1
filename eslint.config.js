// Layering is enforced here, the way VS Code enforces `code-layering`: a layering mistake
// fails CI instead of a review. See ../shared/GUIDE.md, "Layout".
import tseslint from 'typescript-eslint';
import globals from 'globals';

const electronBan = {
  paths: [{ name: 'electron', message: 'The engine and the contract must run without Electron (GUIDE.md).' }],
  patterns: [{ group: ['electron/*'], message: 'The engine and the contract must run without Electron.' }],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'bench/results/**', 'coverage/**', 'test-results/**', '.scratch/**'] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['contract/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: electronBan.paths,
        patterns: [
          ...electronBan.patterns,
          { group: ['node:*', '../main/*', '../renderer/*', '../electron/*', 'react'], message: 'contract/ may import only zod.' },
        ],
      }],
    },
  },
  {
    files: ['main/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: electronBan.paths,
        patterns: [
          ...electronBan.patterns,
          { group: ['**/renderer/**', '**/electron/**', '**/preload/**', 'react', 'react-dom'], message: 'main/ is the engine: it may import contract/, node:* and npm packages only.' },
        ],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', {
        paths: electronBan.paths,
        patterns: [
          ...electronBan.patterns,
          { group: ['node:*', '**/main/**', '**/electron/**'], message: 'The renderer talks only to the contract, never to the engine or a transport.' },
        ],
      }],
    },
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/main/**', '**/renderer/**'], message: 'preload/ may import contract/ and electron renderer modules only.' }],
      }],
    },
  },
);

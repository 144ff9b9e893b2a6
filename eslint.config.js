// Lint rules for the whole workspace: type-aware, strict about `any` and floating promises,
// because an unawaited Kafka or database call fails silently in production.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/generated/**',
      '.emporium/**',
      'coverage/**',
      'storefront/dist/**',
      'storefront/dist.partial-*/**',
      'test-artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off',
      // Callback APIs (kafkajs eachMessage, probes) require async functions that need not await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  // The storefront's React code: hooks called unconditionally, with complete dependencies.
  { files: ['storefront/src/**/*.{ts,tsx}'], ...reactHooks.configs.flat['recommended-latest'] },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);

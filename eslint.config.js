// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['.tmp', 'node_modules', 'dist', 'dist-electron', 'release', 'coverage', 'docs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    files: ['src/renderer/**/*.{ts,vue}'],
    languageOptions: { globals: globals.browser },
    rules: {
      // Views are views/<feature>/index.vue (the route names them).
      'vue/multi-word-component-names': ['error', { ignores: ['index'] }],
      // The renderer never reaches Node or Electron: everything goes through the contract.
      'no-restricted-imports': [
        'error',
        { patterns: ['electron', 'node:*', '**/main/**', 'better-sqlite3', 'kysely'] },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      // Pure rules and the contract: no I/O.
      'no-restricted-imports': [
        'error',
        { patterns: ['electron', 'node:*', '**/main/**', '**/renderer/**', 'better-sqlite3', 'kysely'] },
      ],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['electron', '**/renderer/**'] }] },
  },
  {
    files: ['electron/**/*.ts', 'src/main/**/*.ts', 'tests/**/*.ts', 'scripts/**/*.ts', '*.config.*'],
    languageOptions: { globals: globals.node },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  prettier,
)

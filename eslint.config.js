import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['lib/**', 'node_modules/**', 'coverage/**', '.exp/**', 'bench/.data/**']},
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_'}],
    },
  },
  {
    // The engine is the embedded broker: it never prints, never touches the process, never
    // knows the terminal (DESIGN §1).
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-globals': ['error', {message: 'The engine does not touch the process.', name: 'process'}],
      'no-restricted-imports': [
        'error',
        {paths: ['@oclif/core', 'chalk', 'cli-table3', 'node:process'], patterns: ['../cli/*', '../commands/*']},
      ],
    },
  },
  {
    // Commands are thin: no SQL, no driver.
    files: ['src/commands/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {paths: ['better-sqlite3'], patterns: ['**/engine/db/*', '**/engine/!(index).js']},
      ],
    },
  },
)

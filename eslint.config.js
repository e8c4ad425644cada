// Lint: typescript-eslint's recommended rules plus the import rules that encode /work/shared/DESIGN.md, so a
// boundary that leaks fails `npm test` instead of waiting for a reviewer:
//   - a feature's repo.ts (sync's outbox.repo.ts) is imported only from its own folder; routes import no repo;
//   - no import cycles (app and emulator);
//   - undici and fast-xml-parser only in server/exchange/ and emulator/;
//   - the emulator imports nothing from server/;
//   - SQL (`.prepare(`) only in repo files and server/db/.
// Known violations in code other branches are rewriting are switched off per file, each listed under KNOWN
// VIOLATIONS at the end: delete a line there when its owner's branch has merged.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Feature folders that own a repository; their repo files are theirs alone. */
const FEATURES = ['audit', 'auth', 'availability', 'bookings', 'home', 'rooms', 'schedule', 'scheduling', 'sync', 'users'];
const REPO_FILES = (f) => [`./server/${f}/?(*.)repo.ts`];
const TESTS = ['**/*.test.ts', 'server/test/**', 'server/**/fixtures/**', 'emulator/testing/**', 'e2e/**'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'test-results/**', 'playwright-report/**', 'public/**', '.build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    plugins: { 'import-x': importX },
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    settings: { 'import-x/extensions': ['.ts', '.js', '.mjs'], 'import-x/resolver': { node: { extensions: ['.ts', '.js', '.mjs'] } } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Unused arguments are allowed when named _x (Express handlers, interface shapes).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // `interface User extends AppUser {}` is how Express.User is declared to be ours (declaration merging).
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // Control characters in patterns are deliberate here: they strip what XML, iCalendar and OWA bodies forbid.
      'no-control-regex': 'off',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            ...FEATURES.map((f) => ({
              target: [`./server/!(${f})/**`, './server/*.ts'],
              from: REPO_FILES(f),
              message: `Only server/${f}/ reads its repository; use its service (or a small queries.ts/events.ts) instead (DESIGN: "never its tables").`,
            })),
            {
              target: ['./server/**/routes.ts', './server/**/routes/**'],
              from: FEATURES.flatMap(REPO_FILES),
              message: 'Routes are thin: parse → call the service → render. They import no repository.',
            },
            { target: './emulator', from: './server', message: 'The emulator is an independent implementation: it imports nothing from server/.' },
          ],
        },
      ],
    },
  },
  {
    // Only the gateway speaks WebDAV/OWA: nothing else imports the HTTP client or the XML library.
    files: ['server/**/*.ts', 'e2e/**/*.ts'],
    ignores: ['server/exchange/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'undici', message: 'Only server/exchange/ (the gateway) and the emulator talk HTTP to Exchange.' },
            { name: 'fast-xml-parser', message: 'Only server/exchange/ (the gateway) and the emulator build or parse XML.' },
          ],
        },
      ],
    },
  },
  {
    // SQL lives in repositories: a statement prepared anywhere else is a table read behind the owner's back.
    files: ['server/**/*.ts'],
    ignores: ['server/*/repo.ts', 'server/*/*.repo.ts', 'server/db/**', ...TESTS],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='prepare']", message: 'SQL belongs in the feature\'s repo.ts (DESIGN: "SQL in repositories only").' },
        { selector: "CallExpression[callee.property.name='pragma']", message: 'SQL belongs in the feature\'s repo.ts (DESIGN: "SQL in repositories only").' },
        {
          selector: "CallExpression[callee.property.name='exec']:matches([callee.object.name='db'], [callee.object.property.name='db'])",
          message: 'SQL belongs in the feature\'s repo.ts (DESIGN: "SQL in repositories only").',
        },
      ],
    },
  },
  {
    // Tests may look behind the service (read a row, age a timestamp) to arrange and check what they prove.
    files: TESTS,
    rules: { 'import-x/no-restricted-paths': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },

  // ── KNOWN VIOLATIONS ────────────────────────────────────────────────────────────────────────────────────────
  // Each entry: the file, the rule it breaks today, and whose branch removes it. Delete the entry when it merges.
  {
    // Backups: backup.ts opens the backup FILE (not the app's database) to check its integrity and schema version.
    files: ['server/ops/backup.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);

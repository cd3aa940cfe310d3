// Import rules, checked by `npm run lint:imports` (in `npm run check` and CI). The layers:
//   src/platform/   shared building blocks; knows no system.
//   src/<system>/   bakery, tracking, coffee, albums, stream, dashboard; each imports the platform
//                   and itself, and another system only through that system's declared contract
//                   module (today: src/bakery/orders/contract.ts).
//   src/*.ts        the composition root (cli, config, services, migrations): wires systems;
//                   src/catalogue.ts and src/config.ts are data the systems may read (type or
//                   value) without reaching the wiring.
//   src/load/       the load generator, a tool the CLI and the dashboard run.
//   web/            the browser app: server code only as types.
//   test/, bench/, *.test.ts   may import anything (but still no cycles).
// There is no baseline of tolerated violations: every violation fails.
const SYSTEMS = '(bakery|tracking|coffee|albums|stream|dashboard)'
const CONTRACTS = ['^src/bakery/orders/contract\\.ts$']
const TESTS = ['\\.test\\.ts$', '^test/', '^bench/']

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'A cycle makes two modules one; break it with a port, a hook or a contract module.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'platform-knows-no-system',
      severity: 'error',
      comment: 'src/platform is shared by every system and must not import one (nor the composition root).',
      from: { path: '^src/platform/', pathNot: TESTS },
      to: { path: [`^src/${SYSTEMS}/`, '^src/load/', '^src/[^/]+\\.ts$'] },
    },
    {
      name: 'system-to-another-only-through-its-contract',
      severity: 'error',
      comment: "A system imports another system only through that system's declared contract module.",
      from: { path: `^src/${SYSTEMS}/`, pathNot: TESTS },
      to: { path: `^src/${SYSTEMS}/`, pathNot: ['^src/$1/', ...CONTRACTS] },
    },
    {
      name: 'system-not-to-composition-root',
      severity: 'error',
      comment:
        'Systems receive their config and hooks; they do not import the CLI, services.ts or the commands.',
      from: { path: [`^src/${SYSTEMS}/`, '^src/load/'], pathNot: TESTS },
      to: { path: '^src/(cli|cli-main|services|migrations|db-commands|telemetry-commands)\\.ts$' },
    },
    {
      name: 'load-tool-through-contracts',
      severity: 'error',
      comment: 'The load generator talks to the systems over HTTP; it may read their contracts only.',
      from: { path: '^src/load/', pathNot: TESTS },
      to: { path: `^src/${SYSTEMS}/`, pathNot: CONTRACTS },
    },
    {
      name: 'web-imports-server-types-only',
      severity: 'error',
      comment: 'The browser bundle must not pull server code in; share types (import type) only.',
      from: { path: '^web/' },
      to: { path: '^src/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^src/coffee/gen/', '^web/dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs'] },
  },
}

#!/usr/bin/env node
// Node runs the TypeScript sources directly from version 23.6; npm puts the project's Node 24
// (the `node` dev dependency) first on PATH for npm scripts and npx.
const [major, minor] = process.versions.node.split('.').map(Number)
if (major < 23 || (major === 23 && minor < 6)) {
  console.error(
    `bakery needs Node 24, this is Node ${process.versions.node}. Run it through npm, which uses the ` +
      "project's own Node 24: npm start, npm run bakery -- <command>, or npx bakery <command>.",
  )
  process.exit(1)
}
await import('../src/cli.ts')

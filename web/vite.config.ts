// Builds the dashboard into web/dist, which the dashboard service serves. Preact through the
// automatic JSX runtime: no framework plugin needed.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
})

/**
 * The Node-side bundles: Electron's main process and the command line (the preload is built on its own by
 * vite.preload.config.ts: a sandboxed preload cannot load other files, so it must be one self-contained file). Runtime dependencies (the
 * native better-sqlite3 above all) stay external and are loaded from node_modules, unpacked from the asar.
 */
import { builtinModules } from 'node:module'
import { defineConfig } from 'vite'
import pkg from './package.json' with { type: 'json' }

const external = [
  'electron',
  ...Object.keys(pkg.dependencies),
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
]

export default defineConfig({
  build: {
    ssr: true,
    outDir: 'dist-electron',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rollupOptions: {
      input: {
        main: 'electron/main.ts',
        cli: 'src/main/cli/index.ts',
      },
      external: (id) => external.some((e) => id === e || id.startsWith(`${e}/`)),
      output: {
        format: 'cjs',
        entryFileNames: '[name].cjs',
        // The package's `zhuanban` command runs cli.cjs directly.
        banner: (chunk) => (chunk.name === 'cli' ? '#!/usr/bin/env node' : ''),
      },
    },
  },
})

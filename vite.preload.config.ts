/** The preload, as one self-contained CommonJS file: a sandboxed preload can require only 'electron'. */
import { defineConfig } from 'vite'

export default defineConfig({
  build: {
    ssr: true,
    outDir: 'dist-electron',
    emptyOutDir: false,
    target: 'node20',
    minify: false,
    rollupOptions: {
      input: { preload: 'electron/preload.ts' },
      external: ['electron'],
      output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
    },
  },
})

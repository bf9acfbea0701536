import path from 'node:path';
import { defineConfig } from 'vite';
import { precompress } from './vite.precompress.ts';

/**
 * The embed widget, `<daf-passage>`, built apart from the reader into dist/embed: one script
 * with a fixed name (`embed.js`, what host pages link) that holds everything a read-only
 * passage needs, and chunks under `embed/assets/` that it loads only on demand (the editor, the
 * sign-in popup). Chunks are found relative to the script, so they load from the Daf server
 * whatever page the script runs on; the server answers them to any origin.
 */
export default defineConfig({
  plugins: [precompress()],
  base: './',
  publicDir: false,
  build: {
    outDir: 'dist/embed',
    emptyOutDir: true,
    target: 'es2022',
    // Source maps only when asked for (DAF_SOURCEMAPS=1): they would publish the sources.
    sourcemap: process.env.DAF_SOURCEMAPS === '1',
    // No preload helper: it would resolve chunk URLs against the host page.
    modulePreload: false,
    rolldownOptions: {
      input: path.resolve('client/embed/main.ts'),
      output: {
        format: 'es',
        entryFileNames: 'embed.js',
        chunkFileNames: 'embed/assets/[name]-[hash].js',
      },
    },
  },
});

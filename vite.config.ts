import { defineConfig } from 'vite';
import { precompress } from './vite.precompress.ts';

/**
 * The reader is built from client/ into dist/client, served by the Daf server. In development,
 * `npm run dev:client` serves client/ with hot reload and proxies the API to `daf serve` on 8080.
 */
export default defineConfig({
  plugins: [precompress()],
  root: 'client',
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
    // Source maps only when asked for (DAF_SOURCEMAPS=1): they would publish the sources.
    sourcemap: process.env.DAF_SOURCEMAPS === '1',
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/annotations': 'http://127.0.0.1:8080',
    },
  },
});

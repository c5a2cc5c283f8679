/**
 * The playground is a static site: `index.html` (the page) and `laws.html` (the codec laws, run in a browser
 * by test/laws.test.ts). `@wirestack/*` resolves to the packages' sources, as in vitest, so the build needs no
 * other package built first and always matches the code under test.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const pkgs = fileURLToPath(new URL('../', import.meta.url));
const here = fileURLToPath(new URL('./', import.meta.url));

export default defineConfig({
  base: './',
  resolve: {
    alias: [{ find: /^@wirestack\/([a-z0-9-]+)$/, replacement: `${pkgs}$1/src/index.ts` }],
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      input: { index: `${here}index.html`, laws: `${here}laws.html` },
    },
  },
  server: { fs: { allow: ['../..'] } },
});

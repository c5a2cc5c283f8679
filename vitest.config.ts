import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkgs = fileURLToPath(new URL('./packages/', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@wirestack\/pcap\/node$/, replacement: `${pkgs}pcap/src/node.ts` },
      { find: /^@wirestack\/overlay\/node$/, replacement: `${pkgs}overlay/src/node/index.ts` },
      { find: /^@wirestack\/([a-z0-9-]+)$/, replacement: `${pkgs}$1/src/index.ts` },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'benchmarks/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    setupFiles: ['./vitest.setup.ts'],
  },
});

import { defineConfig } from 'tsup';

// src/bin.ts starts with `#!/usr/bin/env node`; tsup keeps that line (a `banner` would go on every entry).
export default defineConfig({
  entry: ['src/index.ts', 'src/bin.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});

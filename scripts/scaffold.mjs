// Creates the standard files of a package (package.json, tsconfig, tsup config) if missing.
// Usage: node scripts/scaffold.mjs NAME "description" dep1 dep2 ...
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
const [name, description, ...deps] = process.argv.slice(2);
const dir = `packages/${name}`;
mkdirSync(`${dir}/src`, { recursive: true });
mkdirSync(`${dir}/test`, { recursive: true });
const dependencies = {};
for (const d of deps) dependencies[d] = d.startsWith('@wirestack/') ? 'workspace:^' : 'catalog:';
const pkg = {
  name: `@wirestack/${name}`,
  version: '0.1.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  files: ['dist'],
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.ts',
  exports: {
    '.': {
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './package.json': './package.json',
  },
  scripts: { build: 'tsup' },
  dependencies,
  keywords: ['packet', 'network', 'pcap', 'codec', name],
  repository: { type: 'git', url: 'https://example.invalid/wirestack.git', directory: dir },
  engines: { node: '>=20' },
};
if (!existsSync(`${dir}/package.json`)) writeFileSync(`${dir}/package.json`, `${JSON.stringify(pkg, null, 2)}\n`);
if (!existsSync(`${dir}/tsconfig.json`))
  writeFileSync(
    `${dir}/tsconfig.json`,
    `${JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { paths: {}, rootDir: 'src', outDir: 'dist' }, include: ['src'] }, null, 2)}\n`,
  );
if (!existsSync(`${dir}/tsup.config.ts`))
  writeFileSync(
    `${dir}/tsup.config.ts`,
    `import { defineConfig } from 'tsup';\n\nexport default defineConfig({\n  entry: ['src/index.ts'],\n  format: ['esm', 'cjs'],\n  dts: true,\n  sourcemap: true,\n  clean: true,\n  target: 'es2022',\n});\n`,
  );
if (!existsSync(`${dir}/CHANGELOG.md`)) writeFileSync(`${dir}/CHANGELOG.md`, `# @wirestack/${name}\n`);

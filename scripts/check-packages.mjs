// Runs publint and @arethetypeswrong/cli (attw --pack) on every published package.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
let failed = 0;
for (const dir of readdirSync(join(root, 'packages')).sort()) {
  const pkgDir = join(root, 'packages', dir);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  for (const [tool, args] of [
    ['publint', ['--strict', '--pack', 'npm']],
    ['attw', ['--pack', '.', '--format', 'ascii', '--profile', 'node16']],
  ]) {
    try {
      execFileSync(bin(tool), args, { cwd: pkgDir, stdio: 'pipe' });
      console.log(`ok   ${tool} ${pkg.name}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${tool} ${pkg.name}\n${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`);
    }
  }
}
if (failed) {
  console.error(`${failed} package check(s) failed`);
  process.exit(1);
}

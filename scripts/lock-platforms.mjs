// The npm registry this project is locked against may lack some platform builds of optional native
// packages (msgpackr-extract for macOS, Windows, 32-bit ARM). npm then leaves them out of
// package-lock.json and `npm ci` refuses the lock as out of sync. This adds the entries npm writes on
// a complete registry: optional, with their os/cpu, so every platform skips all but its own.
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key] || lock.packages[`${path}/node_modules/${name}`]) continue;
    const m = /-(darwin|linux|win32|freebsd)-(x64|arm64|arm|ia32)$/.exec(name);
    if (!m) continue;
    lock.packages[key] = { version, cpu: [m[2]], license: 'MIT', optional: true, os: [m[1]] };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`lock-platforms: added ${added} platform entries`);

#!/usr/bin/env node
// Fails (exit 1) naming file:line for every line longer than 120 characters in src/, test/ and scripts/
// (.ts, .js, .mjs): the formatter cannot break strings, regexes and comments, so this keeps them short.
// Plain Node with no dependency, so CI runs it before anything is built.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAX = 120;
const FOLDERS = ['src', 'test', 'scripts'];
const EXTENSIONS = new Set(['.ts', '.js', '.mjs']);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') yield* files(path);
    } else if (EXTENSIONS.has(extname(entry.name))) yield path;
  }
}

const long = [];
for (const folder of FOLDERS) {
  for (const file of files(join(root, folder))) {
    const lines = readFileSync(file, 'utf8').split(/\r?\n/);
    // Characters, not UTF-16 units or bytes: an ellipsis counts once.
    lines.forEach((line, i) => {
      const length = [...line].length;
      if (length > MAX) long.push(`${relative(root, file)}:${i + 1}: ${length} characters`);
    });
  }
}

if (long.length) {
  console.error(`Lines longer than ${MAX} characters:\n${long.join('\n')}`);
  process.exit(1);
}

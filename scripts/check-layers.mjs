#!/usr/bin/env node
// Fails (exit 1) when an import in src/ goes against the layer order of README's "How it is built":
// a folder may import only folders on lower lines, never its siblings on the same line.
// Plain Node with no dependency, so CI runs it before anything is built.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// Top to bottom; each line's folders may import any folder on a lower line.
// Files directly in src/ (errors.ts, log.ts, sealed.ts, html.ts) are the leaves, named '.'.
const ORDER = [
  ['bin'], // composition roots
  ['chat', 'metrics'], // edges that mount their routes on the http server
  ['http'], // server, auth, /api, pages
  ['notify'],
  ['core'],
  ['queue'],
  ['store', 'cloud', 'archive'], // archive: PostgreSQL, beside the Redis store, never importing it
  ['approval'],
  ['engine'],
  ['config'], // policies are written in the template language
  ['template'],
  ['.'],
  ['i18n'], // the message catalogue: every layer speaks through it
];

// Edges allowed against the order, each with its reason; none today.
const ALLOWED = new Set([]);

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const rank = new Map(ORDER.flatMap((line, i) => line.map((folder) => [folder, i])));

const files = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

const folderOf = (file) => {
  const parts = relative(src, file).split(sep);
  return parts.length === 1 ? '.' : parts[0];
};

// Static imports and re-exports (type-only ones too), side-effect imports, and import('...') with a literal.
const IMPORT = new RegExp(
  [
    String.raw`^[ \t]*(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,?\s*)?` + // keyword, default name
      String.raw`(?:\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?)?\s*from\s*(['"])([^'"]+)\1`, // { names } or * as x
    String.raw`^[ \t]*import\s*(['"])([^'"]+)\3`,
    String.raw`\bimport\(\s*(['"])([^'"]+)\5\s*\)`,
  ].join('|'),
  'gm',
);

const problems = [];
const unknown = new Set();
const seen = new Set();
for (const file of files(src)) {
  const text = readFileSync(file, 'utf8');
  const from = folderOf(file);
  if (!rank.has(from)) unknown.add(from);
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[2] ?? m[4] ?? m[6];
    if (!spec.startsWith('.')) continue; // packages and node: builtins are not layers
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(src + sep)) continue;
    const to = folderOf(target);
    if (from === to) continue;
    if (!rank.has(from) || !rank.has(to)) continue; // reported once below
    const edge = `${from}->${to}`;
    if (rank.get(to) > rank.get(from)) continue;
    if (ALLOWED.has(edge)) {
      seen.add(edge);
      continue;
    }
    const line = text.slice(0, m.index).split('\n').length;
    const rule =
      rank.get(to) === rank.get(from)
        ? `${from} and ${to} are siblings: what both need moves down a line`
        : `${to} is above ${from} in the layer order`;
    problems.push(`${relative(root, file)}:${line}: ${edge} (${spec}): ${rule}`);
  }
}

for (const f of unknown) problems.push(`src/${f}: folder not in the layer order of scripts/check-layers.mjs`);
for (const edge of ALLOWED) if (!seen.has(edge)) problems.push(`${edge}: allowed above but gone: remove its line`);
for (const p of problems) console.log(p);
if (problems.length > 0) {
  console.log(`check-layers: ${problems.length} import(s) against the layer order`);
  process.exit(1);
}

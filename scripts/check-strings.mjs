#!/usr/bin/env node
// Fails (exit 1) when src/ writes prose a person reads outside the message catalogue (src/i18n/catalog).
// Prose is a string or template literal with two words in a row, or any CJK character, once markup
// and ${placeholders} are taken out. Not prose a person reads, so not flagged:
// - log lines (the first argument of log.info/warn/error/debug/trace/fatal): operators read them, in English;
// - module specifiers, and literals on a line marked `i18n-exempt: why` (or the line after such a comment);
// - CSS (a literal that ends in a `selector{property:value}` rule): browsers read it;
// - a metric's `help` (new Gauge/Counter/Histogram/Summary({ help })): Prometheus's HELP line, in English;
// - files in EXEMPT below, each with its reason.
// The browser's scripts (src/http/scripts/*.js) are read the same way, and the text and the title,
// placeholder, aria-label and alt attributes of the HTML pages in src/ (outside <style> and <script>):
// a page's words come from the catalogue through {{namespace:key}} placeholders.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

const EXEMPT = new Map([
  ['i18n/catalog', 'the catalogue itself'],
  ['archive/migrations', 'SQL'],
]);

const files = (dir, ext) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), ext) : ext.test(e.name) ? [join(dir, e.name)] : [],
  );
const BROWSER_SCRIPT = /^http\/scripts\/[^/]+\.js$/;

const LOG = /(^|\.)(log|logger)\.(info|warn|error|debug|trace|fatal)$/;
const PROSE = /[A-Za-z]{2,}[ \t]+[A-Za-z]{2,}|[\u3400-\u9fff]/;
// SQL is for PostgreSQL, not for people.
const SQL = /^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|WITH|DROP|BEGIN|COMMIT|SET)\b/;
// CSS is for browsers: a literal ending in a rule (`a{color:#1a73e8}`, `@media (...){body{margin:0}}`).
const CSS = /\{\s*[a-z-]+\s*:[^{}]*\}\s*\}?\s*$/;

/** The literal's text without ${...} parts and markup: what a reader would see of it. */
function textOf(node) {
  let text;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
  else if (ts.isTemplateExpression(node))
    text = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('\u0000');
  else return undefined;
  return text
    .replace(/<[^<>]*>/g, ' ')
    .split('\u0000')
    .join(' \u0000 ');
}

function exemptLine(lines, line) {
  const here = lines[line] ?? '';
  const before = lines[line - 1] ?? '';
  return here.includes('i18n-exempt:') || /^\s*\/\/.*i18n-exempt:/.test(before);
}

const problems = [];
const relOf = (file) => relative(src, file).split(sep).join('/');
const sources = files(src, /\.(ts|js)$/).filter((f) => f.endsWith('.ts') || BROWSER_SCRIPT.test(relOf(f)));
for (const file of sources) {
  const rel = relOf(file);
  if ([...EXEMPT.keys()].some((p) => rel === p || rel.startsWith(`${p}/`) || rel === `${p}.ts`)) continue;
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const kind = file.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const visit = (node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isImportTypeNode?.(node)) return;
    // A directive ('use strict') is for the JavaScript engine.
    if (ts.isExpressionStatement(node) && ts.isStringLiteral(node.expression) && /^use /.test(node.expression.text))
      return;
    if (ts.isPropertyAssignment(node) && node.name.getText(sf) === 'help') {
      const call = node.parent?.parent;
      if (call && ts.isNewExpression(call) && /^(Gauge|Counter|Histogram|Summary)$/.test(call.expression.getText(sf)))
        return;
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression.getText(sf);
      if (LOG.test(callee) || callee === 'import' || callee === 'require') return;
    }
    const t = textOf(node);
    if (t !== undefined && PROSE.test(t) && !SQL.test(t) && !CSS.test(t)) {
      const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      if (!exemptLine(lines, line))
        problems.push(`src/${rel}:${line + 1}: ${JSON.stringify(node.getText(sf).slice(0, 90))}`);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

// HTML pages: what a reader sees of them, outside <style> and <script> and the {{ns:key}} placeholders.
for (const file of files(src, /\.html$/)) {
  const rel = relOf(file);
  const html = readFileSync(file, 'utf8');
  const blank = (m) => m.replace(/[^\n]/g, ' ');
  const shown = html.replace(/<(style|script)\b[\s\S]*?<\/\1>/gi, blank).replace(/<!--[\s\S]*?-->/g, blank);
  const texts = [];
  for (const m of shown.matchAll(/>([^<>]+)</g)) texts.push({ at: m.index + 1, text: m[1] });
  for (const m of shown.matchAll(/\s(?:title|placeholder|aria-label|alt)="([^"]*)"/gi))
    texts.push({ at: m.index, text: m[1] });
  for (const { at, text } of texts) {
    const words = text.replace(/\{\{[a-z-]+:[A-Za-z]+\}\}/g, ' ');
    if (!PROSE.test(words)) continue;
    const line = html.slice(0, at).split('\n').length;
    problems.push(`src/${rel}:${line}: ${JSON.stringify(text.trim().slice(0, 90))}`);
  }
}

if (problems.length) {
  console.error(`${problems.length} strings a person reads are written outside src/i18n/catalog:`);
  for (const p of problems) console.error(`  ${p}`);
  console.error('Move each into the catalogue (en and zh-CN), or mark the line `// i18n-exempt: why`.');
  process.exit(1);
}

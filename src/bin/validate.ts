import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { formatProblem, TemplateInvalidError, type TemplateProblem } from '../errors.js';
import { type Locale, translator } from '../i18n/index.js';
import { parseTemplate } from '../engine/parse.js';
import type { AnyTemplate } from '../template/schema.js';

const TEMPLATE_FILE = new Set(['.yaml', '.yml', '.json']);

export interface FileReport {
  file: string;
  valid: boolean;
  format?: string;
  problems: TemplateProblem[];
}

/** The template files under the paths, or the paths that cannot be read, each with its system's reason. */
function templateFiles(paths: string[]): { files: string[]; unreadable: { path: string; code?: string }[] } {
  const files: string[] = [];
  const unreadable: { path: string; code?: string }[] = [];
  const walk = (p: string) => {
    let dir: boolean;
    try {
      dir = statSync(p).isDirectory();
      if (dir) for (const f of readdirSync(p).sort()) walk(join(p, f));
    } catch (err) {
      unreadable.push({ path: p, code: (err as NodeJS.ErrnoException).code });
      return;
    }
    if (!dir && TEMPLATE_FILE.has(extname(p))) files.push(p);
  };
  paths.forEach(walk);
  return { files, unreadable };
}

/** Problems as --json shows them: the English message, the same whatever the operator's language. */
const asJson = (problems: TemplateProblem[]) => problems.map(({ text: _text, ...p }) => p);

/**
 * `opsgate validate PATH... [--json] [--twins]`: a line per file with its problems under it, a
 * summary, exit 1 when any is invalid. --twins also requires each YAML and JSON file of the same
 * name (same folder, or sibling YAML/ and JSON/ folders) to hold the same template.
 */
export function validateCommand(
  args: string[],
  out: NodeJS.WritableStream = process.stdout,
  { locale = 'en', errors = process.stderr }: { locale?: Locale; errors?: NodeJS.WritableStream } = {},
): number {
  const say = translator(locale);
  const json = args.includes('--json');
  const twins = args.includes('--twins');
  const paths = args.filter((a) => !a.startsWith('--'));
  if (!paths.length) {
    out.write(`${say('cli:validateUsage')}\n`);
    return 2;
  }
  const { files, unreadable } = templateFiles(paths);
  for (const u of unreadable)
    errors.write(
      `opsgate: ${
        u.code === 'ENOENT' || u.code === 'ENOTDIR'
          ? say('cli:pathMissing', { path: u.path })
          : say('cli:pathUnreadable', { path: u.path, reason: u.code ?? '?' })
      }\n`,
    );
  if (unreadable.length) return 2;
  // Templates validated together may name each other as actions, as they would once loaded.
  const knownTemplates = new Set(files.map((f) => basename(f, extname(f))));
  const parsed = new Map<string, AnyTemplate>();
  const reports: FileReport[] = files.map((file) => {
    try {
      const { template, format } = parseTemplate(readFileSync(file, 'utf8'), file, { knownTemplates });
      parsed.set(file, template);
      return { file, valid: true, format, problems: [] };
    } catch (err) {
      const problems =
        err instanceof TemplateInvalidError ? err.problems : [{ path: '', message: (err as Error).message }];
      return { file, valid: false, problems };
    }
  });
  const mismatched = twins ? compareTwins(parsed) : [];
  const invalid = reports.filter((r) => !r.valid).length;
  if (json) {
    const summary = {
      files: reports.map((r) => ({ ...r, problems: asJson(r.problems) })),
      valid: reports.length - invalid,
      invalid,
      ...(twins ? { twinsDiffer: mismatched } : {}),
    };
    out.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    for (const r of reports) {
      out.write(`${say(r.valid ? 'cli:validateOk' : 'cli:validateFail', { file: r.file })}\n`);
      for (const p of r.problems) out.write(`     ${formatProblem(p, locale)}\n`);
    }
    for (const m of mismatched) out.write(`${say('cli:validateDiffer', m)}\n`);
    out.write(
      `${say('cli:validateSummary', {
        count: reports.length,
        n: String(reports.length),
        valid: String(reports.length - invalid),
        invalid: String(invalid),
        twins: twins ? 'yes' : 'no',
        pairs: mismatched.length,
        differ: String(mismatched.length),
      })}\n`,
    );
  }
  return invalid || mismatched.length ? 1 : 0;
}

function compareTwins(parsed: Map<string, AnyTemplate>): { yaml: string; json: string; at: string }[] {
  const key = (f: string) => {
    const dir = dirname(f);
    const parent = /^(yaml|json)$/i.test(basename(dir)) ? dirname(dir) : dir;
    return join(parent, basename(f, extname(f)));
  };
  const groups = new Map<string, string[]>();
  for (const f of parsed.keys()) groups.set(key(f), [...(groups.get(key(f)) ?? []), f]);
  const differ: { yaml: string; json: string; at: string }[] = [];
  for (const group of groups.values()) {
    const yaml = group.find((f) => extname(f) !== '.json');
    const json = group.find((f) => extname(f) === '.json');
    if (!yaml || !json) continue;
    const at = firstDifference(parsed.get(yaml), parsed.get(json), '');
    if (at !== undefined) differ.push({ yaml, json, at: at || '(root)' });
  }
  return differ;
}

function firstDifference(a: unknown, b: unknown, path: string): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k,
      );
      if (d !== undefined) return d;
    }
  }
  return path;
}

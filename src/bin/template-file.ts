import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parseTemplate } from '../engine/parse.js';
import { formatProblem, OpsgateError, TemplateInvalidError, type TemplateProblem } from '../errors.js';
import { msg } from '../i18n/index.js';

const TEMPLATE_FILE = new Set(['.yaml', '.yml', '.json']);

/** The template files of the folders (OPSGATE_TEMPLATES), as the bot loads them: a file is named by its name. */
function filesOf(folders: string[]): string[] {
  return folders.flatMap((folder) => {
    try {
      const all = statSync(folder).isDirectory()
        ? readdirSync(folder)
            .sort()
            .map((f) => join(folder, f))
        : [folder];
      return all.filter((f) => TEMPLATE_FILE.has(extname(f)));
    } catch {
      return [];
    }
  });
}

const nameOf = (file: string) => basename(file, extname(file));

/** A template file that would not load: the run says why, not that the template does not exist. */
export class TemplateFileInvalidError extends OpsgateError {
  constructor(
    readonly template: string,
    readonly file: string,
    readonly problems: TemplateProblem[],
  ) {
    super('InvalidTemplate', msg('cli:templateFileInvalid', { name: template, file }));
    // `message` is the English whole, as other errors with problems (errors.ts TemplateInvalidError).
    this.message = [this.message, ...problems.map((p) => formatProblem(p))].join('\n');
  }
}

/**
 * Why `name` is not in the store although a file of the folders is named so: the file's problems
 * (TemplateFileInvalidError), or that no bot has loaded it yet. Undefined when no file is named so.
 */
export function whyNotLoaded(name: string, folders: string[], stored: string[]): OpsgateError | undefined {
  const files = filesOf(folders);
  const file = files.find((f) => nameOf(f) === name);
  if (!file) return undefined;
  // Templates of the folders may name each other as actions, as they may once loaded.
  const knownTemplates = new Set([...stored, ...files.map(nameOf)]);
  try {
    parseTemplate(readFileSync(file, 'utf8'), name, { knownTemplates });
  } catch (err) {
    const problems =
      err instanceof TemplateInvalidError ? err.problems : [{ path: '', message: (err as Error).message }];
    return new TemplateFileInvalidError(name, file, problems);
  }
  return new OpsgateError('EntityNotExists.Template', msg('cli:templateNotLoaded', { name, file }), 404);
}

import { icon } from '../chat/describe.js';
import { keyValues } from '../chat/tokenize.js';
import { executionMasker, type Masker } from '../engine/mask.js';
import { isTerminal } from '../engine/status.js';
import { type Execution, statusMessageIn, taskMessageIn } from '../engine/types.js';
import { OpsgateError, TemplateNotFoundError } from '../errors.js';
import { type Locale, msg, translator } from '../i18n/index.js';
import type { Runtime } from './runtime.js';
import { whyNotLoaded } from './template-file.js';

export interface RunArgs {
  name: string;
  parameters: Record<string, string>;
}

/** `opsgate run TEMPLATE [key=value ...]`, checked before anything connects. */
export function runArgs([name, ...pairs]: string[]): RunArgs {
  if (!name) throw new OpsgateError('InvalidParameter', msg('cli:runUsage'));
  const given = keyValues(pairs);
  if (!given.ok)
    throw new OpsgateError('InvalidParameter', msg('cli:notKeyValue', { word: JSON.stringify(given.word) }));
  return { name, parameters: given.value };
}

const status = (s: string) => msg('common:status', { status: s });

/** An ended run in a few lines, in the operator's language, its secrets masked (engine/mask.ts). */
export function describeRun(e: Execution, mask: Masker, locale: Locale): string {
  const say = translator(locale);
  const message = statusMessageIn(e, locale);
  const lines = [
    `${icon(e.status)} ${say('cli:runEnded', {
      id: e.id,
      template: e.templateName,
      version: e.templateVersion,
      status: status(e.status),
      hasMessage: message ? 'yes' : 'no',
      message: message && mask.text(message),
    })}`,
  ];
  for (const [name, task] of Object.entries(e.tasks)) {
    const said = taskMessageIn(task, locale);
    lines.push(
      `  ${icon(task.status)} ${say('cli:runTask', {
        name,
        status: status(task.status),
        hasMessage: said ? 'yes' : 'no',
        message: said && mask.text(said),
      })}`,
    );
  }
  if (e.outputs) lines.push(`  ${say('cli:runOutputs', { outputs: JSON.stringify(mask.value(e.outputs)) })}`);
  return lines.join('\n');
}

/** Starts an execution as the CLI user and prints a live progress line until it ends. */
export async function runCommand(rt: Runtime, { name, parameters }: RunArgs, locale: Locale): Promise<number> {
  const say = translator(locale);
  if (!(await rt.producer.steps.getWorkers()).length) process.stderr.write(`opsgate: ${say('cli:noWorker')}\n`);
  let exec: Execution;
  try {
    exec = await rt.executions.start({
      templateName: name,
      parameters,
      owner: rt.config.user,
      origin: { platform: 'cli', locale },
    });
  } catch (err) {
    // The bot loads OPSGATE_TEMPLATES into the store; a file it could not load is told apart from no file.
    if (err instanceof TemplateNotFoundError)
      throw whyNotLoaded(name, rt.config.templateDirs, await rt.templates.names()) ?? err;
    throw err;
  }
  let last = '';
  for (;;) {
    const e = await rt.executionStore.get(exec.id);
    const message = statusMessageIn(e, locale);
    const line = say('cli:runProgress', {
      id: e.id,
      status: status(e.status),
      hasTask: e.current ? 'yes' : 'no',
      task: e.current,
      hasMessage: message ? 'yes' : 'no',
      message: message && executionMasker(e).text(message),
    });
    if (line !== last) process.stderr.write(process.stderr.isTTY ? `\r\x1b[K${line}` : `${line}\n`);
    last = line;
    if (isTerminal(e.status)) {
      const mask = executionMasker(
        e,
        (await rt.templates.get(e.templateName, e.templateVersion).catch(() => undefined))?.template,
      );
      process.stdout.write(`${process.stderr.isTTY ? '\n' : ''}${describeRun(e, mask, locale)}\n`);
      return e.status === 'Success' ? 0 : 1;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

import type { History } from '../core/history.js';
import type { Platform } from '../config/platforms.js';
import type { ApprovalService } from '../core/approval-service.js';
import type { Executions } from '../core/executions.js';
import { executionMasker } from '../engine/mask.js';
import { asOpsgateError } from '../errors.js';
import type { TemplateStore } from '../store/templates.js';
import { describeExecution, describeTemplate, describeTicket } from './describe.js';
import type { Actor } from './platform.js';
import { keyValues, tokenize } from './tokenize.js';
import { fieldErrors, runForm, type RunForm } from './run-form.js';

/** Where a command came from; replies go privately to the actor. */
export interface CommandContext {
  actor: Actor;
  platform: Platform;
  channel: string;
}

export interface BotDeps {
  templates: TemplateStore;
  executions: Executions;
  approvals: ApprovalService;
  /** Runs and tickets wherever they are: Redis, or the archive once retention moved them. */
  history: Pick<History, 'get' | 'deliveries' | 'ticket'>;
  /** A one-time link that signs `user` in to the web console. */
  loginLink?: (user: string) => Promise<string>;
}

/** A command's answer; a confidential one (a sign-in link) must reach the one who asked and nobody else. */
export interface Answer {
  text: string;
  confidential: boolean;
}

interface Command {
  name: string;
  aliases?: string[];
  usage: string;
  summary: string;
  /** Its answer is a credential: adapters that would answer in the channel answer 1:1 instead. */
  confidential?: boolean;
  run(args: string[], ctx: CommandContext, deps: BotDeps): Promise<string>;
}

class UsageError extends Error {}

/** The commands, as data: the help text, the routing and the usage lines all come from here. */
const commands: Command[] = [
  {
    name: 'run',
    aliases: ['start'],
    usage: 'run TEMPLATE [key=value ...]',
    summary: 'start a runbook',
    async run([name, ...pairs], ctx, { templates, executions }) {
      if (!name) throw new UsageError('which template? Name one.');
      const given = keyValues(pairs);
      if (!given.ok) throw new UsageError(`${JSON.stringify(given.word)} is not key=value`);
      const parameters = given.value;
      const { template } = await templates.runnable(name);
      if (!ctx.actor.user && template.Tasks.some((t) => t.Action.toLowerCase() === 'acs::approve')) {
        return `${name} needs approval, and you are not in the opsgate directory, so you cannot start it.`;
      }
      const exec = await executions.start({
        templateName: name,
        parameters,
        owner: ctx.actor.user?.name,
        origin: { platform: ctx.platform, channel: ctx.channel },
      });
      return `Started ${exec.templateName} ${exec.templateVersion} as ${exec.id}.`;
    },
  },
  {
    name: 'status',
    usage: 'status EXECUTION_ID',
    summary: "show an execution's status and tasks",
    async run([id], _ctx, { history, templates }) {
      if (!id) throw new UsageError('which execution? Give its id (exec-...).');
      const exec = await history.get(id);
      const failed = await history.deliveries(id);
      const mask = executionMasker(
        exec,
        (await templates.get(exec.templateName, exec.templateVersion).catch(() => undefined))?.template,
      );
      return [
        describeExecution(exec, mask),
        ...failed.map(
          (f) => `  ⚠ ${String(f.channel)} for approval ${String(f.ticketId)} failed: ${mask.text(String(f.message))}`,
        ),
      ].join('\n');
    },
  },
  {
    name: 'list',
    usage: 'list',
    summary: 'the runbooks you can run',
    async run(_args, _ctx, { templates }) {
      const all = (await templates.all()).filter(
        (t) => t.template.FormatVersion === 'OOS-2019-06-01' && !t.name.includes('::'),
      );
      if (!all.length) return 'No runbooks are loaded.';
      return [
        'Runbooks:',
        ...all.map(
          (t) =>
            `  ${t.name} ${t.version}` +
            `${describeTemplate(t.template.Description) ? `  ${describeTemplate(t.template.Description)}` : ''}`,
        ),
      ].join('\n');
    },
  },
  {
    name: 'ticket',
    usage: 'ticket TICKET_ID',
    summary: "an approval ticket's levels, who did what and when",
    async run([id], _ctx, { history }) {
      if (!id || !/^\d+$/.test(id)) throw new UsageError('which ticket? Give its number.');
      return describeTicket(await history.ticket(id));
    },
  },
  {
    name: 'cancel',
    usage: 'cancel EXECUTION_ID',
    summary: 'cancel a run (and its child runs)',
    async run([id], ctx, { executions }) {
      if (!id) throw new UsageError('which execution? Give its id (exec-...).');
      if (!ctx.actor.user) return 'You are not in the opsgate directory, so you cannot cancel runs.';
      const e = await executions.cancelBy(id, ctx.actor.user.name);
      return e.statusMessage === `cancelled by ${ctx.actor.user.name}`
        ? `Cancelled ${id}.`
        : `${id} had already ended: ${e.status}.`;
    },
  },
  {
    name: 'approve',
    usage: 'approve TICKET_ID [comment]',
    summary: 'approve an approval ticket',
    run: (args, ctx, deps) => vote('AGREE', args, ctx, deps),
  },
  {
    name: 'reject',
    usage: 'reject TICKET_ID [comment]',
    summary: 'reject an approval ticket',
    run: (args, ctx, deps) => vote('REJECT', args, ctx, deps),
  },
  {
    name: 'login',
    usage: 'login',
    summary: 'a one-time link that signs you in to the web console',
    confidential: true,
    async run(_args, ctx, { loginLink }) {
      if (ctx.platform === 'console') return 'You are signed in to the console already.';
      if (!ctx.actor.user) return 'You are not in the opsgate directory, so you cannot sign in.';
      if (!loginLink) return 'The web console is not set up here.';
      return (
        `Sign in to the opsgate console as ${ctx.actor.user.name}: ` +
        `${await loginLink(ctx.actor.user.name)}\nThe link works once, within ten minutes; do not share it.`
      );
    },
  },
  {
    name: 'help',
    usage: 'help',
    summary: 'this list',
    async run() {
      return helpText();
    },
  },
];

async function vote(
  decision: 'AGREE' | 'REJECT',
  [id, ...comment]: string[],
  ctx: CommandContext,
  { approvals }: BotDeps,
) {
  if (!id || !/^\d+$/.test(id)) throw new UsageError('which approval? Give its ticket number.');
  return (await approvals.vote(id, ctx.actor.user, decision, comment.join(' ') || undefined, ctx.actor.platform))
    .message;
}

function helpText(): string {
  return ['opsgate commands:', ...commands.map((c) => `  ${c.usage}  ${c.summary}`)].join('\n');
}

export class Bot {
  constructor(private readonly deps: BotDeps) {}

  /** A typed command; the answer goes only to the one who typed it. */
  async command(text: string, ctx: CommandContext): Promise<string> {
    return (await this.answer(text, ctx)).text;
  }

  /** A typed command's answer, saying whether it is confidential. */
  async answer(text: string, ctx: CommandContext): Promise<Answer> {
    let words: string[];
    try {
      words = tokenize(text.trim());
    } catch (e) {
      return { text: `${(e as Error).message}. Try: help`, confidential: false };
    }
    const [name = 'help', ...args] = words;
    const command = commands.find((c) => c.name === name.toLowerCase() || c.aliases?.includes(name.toLowerCase()));
    if (!command) return { text: `Unknown command ${JSON.stringify(name)}.\n${helpText()}`, confidential: false };
    const confidential = command.confidential ?? false;
    try {
      return { text: await command.run(args, ctx, this.deps), confidential };
    } catch (err) {
      if (err instanceof UsageError) return { text: `${err.message}\nUsage: ${command.usage}`, confidential };
      const e = asOpsgateError(err);
      if (e.code === 'InternalError') throw err;
      // A refusal (403) is no usage mistake: the command was right, the person may not.
      return { text: e.status === 403 ? `${e.message}.` : `${e.message}\nUsage: ${command.usage}`, confidential };
    }
  }

  /**
   * The form that starts a run, for `run TEMPLATE [key=value ...]` given without some required
   * parameter (or none at all): what was given is filled in. Undefined when nothing is missing.
   */
  async form(text: string): Promise<RunForm | undefined> {
    let words: string[];
    try {
      words = tokenize(text.trim());
    } catch {
      return undefined;
    }
    const [verb, name, ...pairs] = words;
    if (!verb || !/^(run|start)$/i.test(verb) || !name) return undefined;
    const t = await this.deps.templates.runnable(name).catch(() => undefined);
    if (!t || !Object.keys(t.template.Parameters).length) return undefined;
    const pairsGiven = keyValues(pairs);
    if (!pairsGiven.ok) return undefined; // the command answers what is wrong
    const given = pairsGiven.value;
    const missing = Object.entries(t.template.Parameters).some(([k, p]) => p.Default === undefined && !(k in given));
    if (pairs.length && !missing) return undefined;
    const form = runForm(t.name, t.version, t.template);
    return { ...form, fields: form.fields.map((f) => (f.name in given ? { ...f, initial: given[f.name] } : f)) };
  }

  /** A submitted run form: the run's private answer, or what is wrong with each field. */
  async submit(
    form: { templateName: string; version: string },
    values: Record<string, string>,
    ctx: CommandContext,
  ): Promise<{ message: string } | { errors: Record<string, string> }> {
    const { template } = await this.deps.templates.runnable(form.templateName, form.version);
    if (!ctx.actor.user && template.Tasks.some((t) => t.Action.toLowerCase() === 'acs::approve')) {
      const why = 'you are not in the opsgate directory, so you cannot start it';
      return { message: `${form.templateName} needs approval, and ${why}.` };
    }
    const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
    try {
      const exec = await this.deps.executions.start({
        templateName: form.templateName,
        templateVersion: form.version,
        parameters: given,
        owner: ctx.actor.user?.name,
        origin: { platform: ctx.platform, channel: ctx.channel },
      });
      return { message: `Started ${exec.templateName} ${exec.templateVersion} as ${exec.id}.` };
    } catch (err) {
      const e = asOpsgateError(err);
      if (e.code !== 'InvalidParameter') throw err;
      const names = Object.keys(template.Parameters);
      return { errors: fieldErrors(e, names) ?? { [names[0] ?? 'form']: e.message } };
    }
  }

  /**
   * An Approve or Reject button. Returns a private answer for the one who pressed it when their
   * press changed nothing (not an approver, a second press, a closed ticket); the card itself is
   * updated through the notification path for everyone.
   */
  async button(actionId: string, ticketId: string, ctx: CommandContext, comment?: string): Promise<string | undefined> {
    if (actionId !== 'approve' && actionId !== 'reject') return undefined;
    const r = await this.deps.approvals.vote(
      ticketId,
      ctx.actor.user,
      actionId === 'approve' ? 'AGREE' : 'REJECT',
      comment,
      ctx.actor.platform,
    );
    return r.outcome === 'recorded' || r.outcome === 'decided' ? undefined : r.message;
  }
}

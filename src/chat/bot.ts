import type { History } from '../core/history.js';
import type { Platform } from '../config/platforms.js';
import type { ApprovalService } from '../core/approval-service.js';
import type { Executions } from '../core/executions.js';
import { executionMasker } from '../engine/mask.js';
import type { Origin } from '../engine/types.js';
import { asOpsgateError, messageIn } from '../errors.js';
import type { Config } from '../config/env.js';
import { type Reader, readerOf } from '../config/reader.js';
import { cancelledBy } from '../core/executions.js';
import { isMsg, type MessageKey, type Msg, msg, render, t, type Translate, translator } from '../i18n/index.js';
import type { TemplateStore } from '../store/templates.js';
import { describeExecution, describeTemplate, describeTicket } from './describe.js';
import type { Actor } from './platform.js';
import { keyValues, tokenize, UnclosedQuoteError } from './tokenize.js';
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
  /** The deployment's language and zone (OPSGATE_LOCALE, OPSGATE_TIMEZONE), for readers nothing else tells. */
  defaults?: ReaderDefaults;
}

/** Config's locale and timezone: what readerOf falls back to. */
export type ReaderDefaults = Pick<Config, 'locale' | 'timezone'>;
const EN_UTC: ReaderDefaults = { locale: 'en', timezone: 'UTC' };

/** A command's answer; a confidential one (a sign-in link) must reach the one who asked and nobody else. */
export interface Answer {
  text: string;
  confidential: boolean;
}

/** What a command runs with: where it came from, who reads its answer, and the bot's parts. */
interface Run extends CommandContext {
  reader: Reader;
  t: Translate;
}

interface Command {
  name: string;
  aliases?: string[];
  /** What follows the command word in its usage line (`TEMPLATE [key=value ...]`). */
  args?: MessageKey;
  summary: MessageKey;
  /** Platforms whose help does not list it (the console is signed in already: no `login`). */
  hiddenOn?: Platform[];
  /** Its answer is a credential: adapters that would answer in the channel answer 1:1 instead. */
  confidential?: boolean;
  run(args: string[], ctx: Run, deps: BotDeps): Promise<string>;
}

/** A mistake in how a command was typed: answered with the command's usage line. */
class UsageError extends Error {
  constructor(readonly text: Msg) {
    super(render(text, 'en'));
  }
}

/** The commands, as data: the help text, the routing and the usage lines all come from here. */
const commands: Command[] = [
  {
    name: 'run',
    aliases: ['start'],
    args: 'chat:argsRun',
    summary: 'chat:summaryRun',
    async run([name, ...pairs], ctx, { templates, executions }) {
      if (!name) throw new UsageError(msg('chat:whichTemplate'));
      const given = keyValues(pairs);
      if (!given.ok) throw new UsageError(msg('chat:notKeyValue', { word: JSON.stringify(given.word) }));
      const parameters = given.value;
      const { template } = await templates.runnable(name);
      if (!ctx.actor.user && template.Tasks.some((t) => t.Action.toLowerCase() === 'acs::approve')) {
        return ctx.t('chat:needsApprovalNotInDirectory', { template: name });
      }
      const exec = await executions.start({
        templateName: name,
        parameters,
        owner: ctx.actor.user?.name,
        origin: originOf(ctx),
      });
      return ctx.t('chat:started', { template: exec.templateName, version: exec.templateVersion, id: exec.id });
    },
  },
  {
    name: 'status',
    args: 'chat:argsExecution',
    summary: 'chat:summaryStatus',
    async run([id], ctx, { history, templates }) {
      if (!id) throw new UsageError(msg('chat:whichExecution'));
      const exec = await history.get(id);
      const failed = await history.deliveries(id);
      const mask = executionMasker(
        exec,
        (await templates.get(exec.templateName, exec.templateVersion).catch(() => undefined))?.template,
      );
      return [
        describeExecution(exec, mask, ctx.reader),
        ...failed.map(
          (f) =>
            `  ⚠ ${ctx.t('chat:deliveryFailed', {
              channel: msg('common:deliveryChannel', { channel: String(f.channel) }),
              ticket: String(f.ticketId),
              // A failure recorded with its catalogue text reads in the reader's language.
              message: mask.text(isMsg(f.text) ? render(f.text, ctx.reader.locale) : String(f.message)),
            })}`,
        ),
      ].join('\n');
    },
  },
  {
    name: 'list',
    summary: 'chat:summaryList',
    async run(_args, ctx, { templates }) {
      const all = (await templates.all()).filter(
        (t) => t.template.FormatVersion === 'OOS-2019-06-01' && !t.name.includes('::'),
      );
      if (!all.length) return ctx.t('chat:noRunbooks');
      return [
        ctx.t('chat:runbooks'),
        ...all.map((t) => {
          const about = describeTemplate(t.template.Description, ctx.reader.locale);
          return `  ${t.name} ${t.version}${about ? `  ${about}` : ''}`;
        }),
      ].join('\n');
    },
  },
  {
    name: 'ticket',
    args: 'chat:argsTicket',
    summary: 'chat:summaryTicket',
    async run([id], ctx, { history }) {
      if (!id || !/^\d+$/.test(id)) throw new UsageError(msg('chat:whichTicket'));
      return describeTicket(await history.ticket(id), ctx.reader);
    },
  },
  {
    name: 'cancel',
    args: 'chat:argsExecution',
    summary: 'chat:summaryCancel',
    async run([id], ctx, { executions }) {
      if (!id) throw new UsageError(msg('chat:whichExecution'));
      if (!ctx.actor.user) return ctx.t('chat:notInDirectoryCancel');
      const e = await executions.cancelBy(id, ctx.actor.user.name);
      return e.statusMessage === render(cancelledBy(ctx.actor.user.name), 'en')
        ? ctx.t('chat:cancelled', { id })
        : ctx.t('chat:alreadyEnded', { id, status: msg('common:status', { status: e.status }) });
    },
  },
  {
    name: 'approve',
    args: 'chat:argsVote',
    summary: 'chat:summaryApprove',
    run: (args, ctx, deps) => vote('AGREE', args, ctx, deps),
  },
  {
    name: 'reject',
    args: 'chat:argsVote',
    summary: 'chat:summaryReject',
    run: (args, ctx, deps) => vote('REJECT', args, ctx, deps),
  },
  {
    name: 'login',
    summary: 'chat:summaryLogin',
    hiddenOn: ['console'],
    confidential: true,
    async run(_args, ctx, { loginLink }) {
      if (ctx.platform === 'console') return ctx.t('chat:consoleSignedIn');
      if (!ctx.actor.user) return ctx.t('chat:notInDirectoryLogin');
      if (!loginLink) return ctx.t('chat:consoleNotSetUp');
      return ctx.t('chat:loginLink', { user: ctx.actor.user.name, link: await loginLink(ctx.actor.user.name) });
    },
  },
  {
    name: 'help',
    summary: 'chat:summaryHelp',
    async run(_args, ctx) {
      return helpText(ctx);
    },
  },
];

async function vote(decision: 'AGREE' | 'REJECT', [id, ...comment]: string[], ctx: Run, { approvals }: BotDeps) {
  if (!id || !/^\d+$/.test(id)) throw new UsageError(msg('chat:whichApproval'));
  const r = await approvals.vote(id, ctx.actor.user, decision, comment.join(' ') || undefined, ctx.actor.platform);
  return render(r.text, ctx.reader.locale);
}

/** A command's usage line: its word, untranslated, and its arguments in the reader's language. */
function usageOf(c: Command, t: Translate): string {
  return c.args ? `${c.name} ${t(c.args)}` : c.name;
}

/** Every command the platform offers, with its aliases (`run ... (or: start ...)`), from the table. */
function helpText(ctx: Pick<Run, 'platform' | 't'>): string {
  const line = (c: Command) => {
    const usage = usageOf(c, ctx.t);
    const aliases = (c.aliases ?? []).map((a) => (c.args ? `${a} ...` : a)).join(', ');
    return `  ${ctx.t('chat:helpLine', {
      usage: aliases ? ctx.t('chat:helpAlias', { usage, aliases }) : usage,
      summary: ctx.t(c.summary),
    })}`;
  };
  const shown = commands.filter((c) => !c.hiddenOn?.includes(ctx.platform));
  return [ctx.t('chat:helpTitle'), ...shown.map(line)].join('\n');
}

/** The execution's origin: where its messages go, in the language and zone of who started it. */
function originOf(ctx: Run): Origin {
  return { platform: ctx.platform, channel: ctx.channel, locale: ctx.reader.locale, timeZone: ctx.reader.timeZone };
}

export class Bot {
  constructor(private readonly deps: BotDeps) {}

  /** Who reads the answers to `actor`: the directory's word, then the platform's, then the deployment's. */
  readerOf(actor: Actor): Reader {
    return readerOf(actor.user, this.deps.defaults ?? EN_UTC, actor.locale);
  }

  /** A typed command; the answer goes only to the one who typed it. */
  async command(text: string, ctx: CommandContext): Promise<string> {
    return (await this.answer(text, ctx)).text;
  }

  /** A typed command's answer, in the language of who typed it, saying whether it is confidential. */
  async answer(text: string, ctx: CommandContext): Promise<Answer> {
    const reader = this.readerOf(ctx.actor);
    const run: Run = { ...ctx, reader, t: translator(reader.locale) };
    let words: string[];
    try {
      words = tokenize(text.trim());
    } catch (e) {
      if (!(e instanceof UnclosedQuoteError)) throw e;
      return { text: run.t('chat:unclosedQuote', { quote: e.quote }), confidential: false };
    }
    const [name = 'help', ...args] = words;
    const command = commands.find((c) => c.name === name.toLowerCase() || c.aliases?.includes(name.toLowerCase()));
    if (!command) {
      const unknown = run.t('chat:unknownCommand', { name: JSON.stringify(name) });
      return { text: `${unknown}\n${helpText(run)}`, confidential: false };
    }
    const confidential = command.confidential ?? false;
    const usage = () => run.t('chat:usage', { usage: usageOf(command, run.t) });
    try {
      return { text: await command.run(args, run, this.deps), confidential };
    } catch (err) {
      if (err instanceof UsageError) return { text: `${render(err.text, reader.locale)}\n${usage()}`, confidential };
      const e = asOpsgateError(err);
      if (e.code === 'InternalError') throw err;
      const message = messageIn(e, reader.locale);
      // A refusal (403) is no usage mistake: the command was right, the person may not.
      return { text: e.status === 403 ? run.t('chat:refusal', { message }) : `${message}\n${usage()}`, confidential };
    }
  }

  /**
   * The form that starts a run, for `run TEMPLATE [key=value ...]` given without some required
   * parameter (or none at all): what was given is filled in, its labels in the reader's language.
   * Undefined when nothing is missing.
   */
  async form(text: string, actor?: Actor): Promise<RunForm | undefined> {
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
    const locale = actor ? this.readerOf(actor).locale : (this.deps.defaults ?? EN_UTC).locale;
    const form = runForm(t.name, t.version, t.template, locale);
    return { ...form, fields: form.fields.map((f) => (f.name in given ? { ...f, initial: given[f.name] } : f)) };
  }

  /** A submitted run form: the run's private answer, or what is wrong with each field. */
  async submit(
    form: { templateName: string; version: string },
    values: Record<string, string>,
    ctx: CommandContext,
  ): Promise<{ message: string } | { errors: Record<string, string> }> {
    const reader = this.readerOf(ctx.actor);
    const { template } = await this.deps.templates.runnable(form.templateName, form.version);
    if (!ctx.actor.user && template.Tasks.some((t) => t.Action.toLowerCase() === 'acs::approve')) {
      return { message: t(reader.locale, 'chat:needsApprovalNotInDirectory', { template: form.templateName }) };
    }
    const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
    try {
      const exec = await this.deps.executions.start({
        templateName: form.templateName,
        templateVersion: form.version,
        parameters: given,
        owner: ctx.actor.user?.name,
        origin: originOf({ ...ctx, reader, t: translator(reader.locale) }),
      });
      return {
        message: t(reader.locale, 'chat:started', {
          template: exec.templateName,
          version: exec.templateVersion,
          id: exec.id,
        }),
      };
    } catch (err) {
      const e = asOpsgateError(err);
      if (e.code !== 'InvalidParameter') throw err;
      const names = Object.keys(template.Parameters);
      return { errors: fieldErrors(e, names) ?? { [names[0] ?? 'form']: messageIn(e, reader.locale) } };
    }
  }

  /**
   * An Approve or Reject button. Returns a private answer for the one who pressed it when their
   * press changed nothing (not an approver, the requester, a second press, a closed ticket), in their
   * language; the card itself is updated through the notification path for everyone.
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
    return r.outcome === 'recorded' || r.outcome === 'decided'
      ? undefined
      : render(r.text, this.readerOf(ctx.actor).locale);
  }
}

import type { History } from '../../core/history.js';
import { type Execution, statusMessageIn, type TaskRecord, taskMessageIn } from '../../engine/types.js';
import { isMsg, type Locale, render } from '../../i18n/index.js';
import type { Reader } from '../../config/reader.js';
import { localizedText } from '../../template/localized.js';
import { executionMasker, type Masker } from '../../engine/mask.js';
import type { Ticket } from '../../approval/ticket.js';
import { type ApprovalView, approvalView } from './approval-view.js';
import type { TemplateStore } from '../../store/templates.js';

export interface ExecutionPageDeps {
  /** Runs wherever they are: Redis, or the archive once retention moved them (core/history.ts). */
  runs: Pick<History, 'find' | 'taskRecords' | 'children' | 'deliveries' | 'loop' | 'items' | 'ticket'>;
  templates: TemplateStore;
}

export const MAX_ITEMS_SHOWN = 50;
const MAX_CHILDREN_SHOWN = 200;

export interface ItemView {
  index: number;
  item: string;
  status: string;
  start: number;
  end?: number;
  message?: string;
  outputs?: string;
  childId?: string;
}
export interface LoopView {
  total: number;
  success: number;
  failed: number;
  items: ItemView[];
  more: number;
}
export interface RunView {
  name: string;
  action: string;
  taskExecutionId: string;
  status: string;
  start: number;
  end?: number;
  /** 1 for a task's first run, 2 for its retry, ... */
  run: number;
  message?: string;
  outputs?: string;
  childId?: string;
  loop?: LoopView;
  approval?: ApprovalView;
}
export interface ChildView {
  id: string;
  status?: string;
  templateName?: string;
}

/** Everything the execution page shows, secrets already masked: rendering is then pure. */
export interface ExecutionPageData {
  id: string;
  templateName: string;
  templateVersion: string;
  /** The template's Description, in the reader's language. */
  description?: string;
  status: string;
  statusMessage?: string;
  owner?: string;
  origin: { platform: string; channel?: string };
  createDate: string;
  endDate?: string;
  parentId?: string;
  /** Masked JSON; absent when the template is gone (then nothing says which values are secret). */
  parameters?: string;
  outputs?: string;
  runs: RunView[];
  /** The first children (by id); childCount says how many there are. */
  children: ChildView[];
  childCount: number;
  deliveries: { time: string; channel: string; ticketId: string; message: string }[];
  /** What the page shows of the parts that change, to tell a stream opened late what it missed. */
  version: string;
  now: number;
}

const time = (d?: string) => (d ? Date.parse(d) : undefined);
const ended = (s: string) => s === 'Success' || s === 'Failed' || s === 'Cancelled' || s === 'Skipped';

/** The version of what the page shows: the execution's state and the ticket it waits for. */
export function versionOf(exec: Execution, ticket?: Ticket): string {
  const cur = exec.current ? exec.tasks[exec.current] : undefined;
  const t = ticket ? `${ticket.status}:${ticket.level}:${ticket.votes.length}:${ticket.approvers.join(',')}` : '';
  return [exec.status, exec.updateDate, exec.current ?? '', cur?.status ?? '', Object.keys(exec.tasks).length, t].join(
    '|',
  );
}

function waitingTicketId(exec: Execution): string | undefined {
  const cur = exec.current ? exec.tasks[exec.current] : undefined;
  return cur?.status === 'Waiting' && cur.data?.ticketId ? String(cur.data.ticketId) : undefined;
}

/** The version now, or undefined when the execution does not exist. */
export async function currentVersion(
  deps: ExecutionPageDeps,
  id: string,
): Promise<{ version: string; status: string } | undefined> {
  const exec = await deps.runs.find(id);
  if (!exec) return undefined;
  const ticketId = waitingTicketId(exec);
  const ticket = ticketId ? await deps.runs.ticket(ticketId).catch(() => undefined) : undefined;
  return { version: versionOf(exec, ticket), status: exec.status };
}

/**
 * The order runs are shown in: by start; runs that start in the same millisecond (a skipped task and
 * the next) by end, then in the template's order; a task's runs of one millisecond with its current run
 * last (a retry follows the run it retries). Never by the task execution's id, which is random.
 */
export function runOrder<R extends Pick<TaskRecord, 'startDate' | 'endDate'> & { name: string }>(
  runs: R[],
  place: ReadonlyMap<string, number>,
  current: ReadonlySet<R>,
): R[] {
  const seq = new Map(runs.map((r, i) => [r, i]));
  return [...runs].sort(
    (a, b) =>
      a.startDate.localeCompare(b.startDate) ||
      (a.endDate ?? '\uffff').localeCompare(b.endDate ?? '\uffff') ||
      (place.get(a.name) ?? Number.MAX_SAFE_INTEGER) - (place.get(b.name) ?? Number.MAX_SAFE_INTEGER) ||
      a.name.localeCompare(b.name) ||
      Number(current.has(a)) - Number(current.has(b)) ||
      seq.get(a)! - seq.get(b)!,
  );
}

/** Loads the execution page's data, in the reader's language; undefined when the execution does not exist. */
export async function loadExecutionPage(
  deps: ExecutionPageDeps,
  id: string,
  reader: Reader = { locale: 'en', timeZone: 'UTC' },
  now = Date.now(),
): Promise<ExecutionPageData | undefined> {
  const { locale } = reader;
  const exec = await deps.runs.find(id);
  if (!exec) return undefined;
  const stored = await deps.templates.get(exec.templateName, exec.templateVersion).catch(() => undefined);
  const declared = stored?.template;
  const scrub = executionMasker(exec, declared);
  const json = (v: unknown) => JSON.stringify(scrub.value(v), null, 2);
  const loopTasks = new Set(
    declared && 'Tasks' in declared ? declared.Tasks.filter((t) => t.Loop).map((t) => t.Name) : [],
  );

  const [recorded, childSet, deliveries] = await Promise.all([
    deps.runs.taskRecords(id),
    deps.runs.children(id),
    deps.runs.deliveries(id),
  ]);
  const records = new Map<string, TaskRecord & { name: string }>();
  for (const r of recorded) records.set(r.taskExecutionId, r);
  const current = new Set<TaskRecord & { name: string }>();
  for (const [name, r] of Object.entries(exec.tasks)) {
    const run = { ...r, name };
    records.set(r.taskExecutionId, run);
    current.add(run);
  }
  const place = new Map(declared && 'Tasks' in declared ? declared.Tasks.map((t, i) => [t.Name, i]) : []);
  const ordered = runOrder([...records.values()], place, current);

  const runsOf = new Map<string, number>();
  const runs = await Promise.all(
    ordered.map(async (r): Promise<RunView> => {
      const run = (runsOf.get(r.name) ?? 0) + 1;
      runsOf.set(r.name, run);
      const view: RunView = {
        name: r.name,
        action: r.action,
        taskExecutionId: r.taskExecutionId,
        status: r.status,
        run,
        start: time(r.startDate)!,
        end: ended(r.status) ? (time(r.endDate) ?? time(r.startDate)) : undefined,
        message: textIn(taskMessageIn(r, locale), scrub),
        outputs: r.outputs && Object.keys(r.outputs).length ? json(r.outputs) : undefined,
        childId: typeof r.data?.childId === 'string' ? r.data.childId : undefined,
      };
      if (loopTasks.has(r.name) || r.loop) view.loop = await loopView(deps, exec.id, r, scrub, json, locale);
      if (r.action === 'ACS::Approve' && r.data?.ticketId) {
        const ticketId = String(r.data.ticketId);
        const t = await deps.runs.ticket(ticketId).catch(() => undefined);
        view.approval = t
          ? scrubApproval(approvalView(t, reader), scrub.text)
          : { ticketId, missing: true, levels: [] };
      }
      return view;
    }),
  );

  const allChildren = [...new Set([...(exec.children ?? []), ...childSet])].sort();
  const children = await Promise.all(
    allChildren.slice(0, MAX_CHILDREN_SHOWN).map(async (cid): Promise<ChildView> => {
      const c = await deps.runs.find(cid);
      return { id: cid, status: c?.status, templateName: c?.templateName };
    }),
  );

  const waiting = waitingTicketId(exec);
  const waitingTicket = waiting ? await deps.runs.ticket(waiting).catch(() => undefined) : undefined;
  return {
    id: exec.id,
    templateName: exec.templateName,
    templateVersion: exec.templateVersion,
    description: localizedText(declared?.Description, locale) || undefined,
    status: exec.status,
    statusMessage: textIn(statusMessageIn(exec, locale), scrub),
    owner: exec.owner,
    origin: { platform: exec.origin.platform, channel: exec.origin.channel },
    createDate: exec.createDate,
    endDate: exec.endDate,
    parentId: exec.parent?.executionId,
    parameters: declared || exec.noEcho ? JSON.stringify(scrub.parameters(exec.parameters), null, 2) : undefined,
    outputs: exec.outputs && Object.keys(exec.outputs).length ? json(exec.outputs) : undefined,
    runs,
    children,
    childCount: allChildren.length,
    deliveries: deliveries.map((f) => ({
      time: String(f.time ?? ''),
      channel: String(f.channel ?? ''),
      ticketId: String(f.ticketId ?? ''),
      // A failure recorded with its catalogue text (DingTalk's) reads in the reader's language.
      message: scrub.text(isMsg(f.text) ? render(f.text, locale) : String(f.message ?? '')),
    })),
    version: versionOf(exec, waitingTicket),
    now,
  };
}

async function loopView(
  deps: ExecutionPageDeps,
  execId: string,
  r: TaskRecord,
  scrub: Masker,
  json: (v: unknown) => string,
  locale: Locale,
): Promise<LoopView | undefined> {
  const [doc, items] = await Promise.all([
    deps.runs.loop(execId, r.taskExecutionId),
    deps.runs.items(execId, r.taskExecutionId),
  ]);
  if (!doc && !items.length && !r.loop) return undefined;
  const total = r.loop?.Total ?? doc?.state.plan.total ?? items.length;
  const success = r.loop?.Success ?? items.filter((i) => i.status === 'Success').length;
  const failed = r.loop?.Failed ?? items.filter((i) => i.status === 'Failed' || i.status === 'Cancelled').length;
  return {
    total,
    success,
    failed,
    more: Math.max(Math.max(total, items.length) - Math.min(items.length, MAX_ITEMS_SHOWN), 0),
    items: items.slice(0, MAX_ITEMS_SHOWN).map((i) => ({
      index: i.index,
      item: scrub.text(typeof i.item === 'string' ? i.item : (JSON.stringify(i.item) ?? '')),
      status: i.status,
      start: time(i.startDate)!,
      end: ended(i.status) ? (time(i.endDate) ?? time(i.startDate)) : undefined,
      message: textIn(taskMessageIn(i, locale), scrub),
      outputs: i.outputs && Object.keys(i.outputs).length ? json(i.outputs) : undefined,
      childId: typeof i.data?.childId === 'string' ? i.data.childId : undefined,
    })),
  };
}

/** A message as shown: masked, or undefined when there is none. */
function textIn(text: string | undefined, scrub: Masker): string | undefined {
  return text ? scrub.text(text) : undefined;
}

function scrubApproval(a: ApprovalView, text: (s: string) => string): ApprovalView {
  return {
    ...a,
    reason: a.reason ? text(a.reason) : undefined,
    levels: a.levels.map((l) => ({
      ...l,
      note: l.note ? text(l.note) : undefined,
      votes: l.votes.map((v) => ({ ...v, comment: v.comment ? text(v.comment) : undefined })),
    })),
  };
}

import { ParameterError } from '../errors.js';
import { type Msg, msg, render } from '../i18n/index.js';
import { criteriaProblems, type Clause } from './criteria.js';
import { parseDuration } from './duration.js';
import { joined, type Problem, problem, textOfProblem, withGot } from './problem.js';
import { didYouMean } from './suggest.js';

/** ACS::Approve's properties (OOS's and opsgate's Levels, Timeout, ...), read and checked. */

/** One approval level as a ticket keeps it; approvers are resolved only when it becomes active. */
export interface LevelDef {
  /** In English, as the API answers it; `nameText` is the name opsgate gave a level the template names not. */
  name: string;
  nameText?: Msg;
  /** ANY: one approval; ALL: every resolved approver; MIN: `min` distinct approvers. */
  mode: 'ANY' | 'ALL' | 'MIN';
  min: number;
  /** Entries as written (names, group:NAME, $request.owner...); absent: anyone in the directory. */
  approvers?: string[];
  criteria?: Clause;
  escalateAfterMs?: number;
  escalateTo?: string[];
}

/** How an approval is announced besides chat: OOS's NotifyType WebHook or Mail. */
export interface NotifySpec {
  type: 'WebHook' | 'Mail';
  appendLink: boolean;
  webhook?: { uri: string; headers?: Record<string, string>; content: unknown; secret?: string };
  mail?: {
    host: string;
    port: number;
    username?: string;
    password?: string;
    from: string;
    to: string[];
    subject?: string;
    body?: string;
  };
}

/** A level's name as a reader sees it: opsgate's own name in their language, else the template's. */
export const levelName = (l: Pick<LevelDef, 'name' | 'nameText'>): Msg | string => l.nameText ?? l.name;

/** A name opsgate gives: its English, and its Msg for readers of other languages. */
const named = (m: Msg): Pick<LevelDef, 'name' | 'nameText'> => ({ name: render(m, 'en'), nameText: m });

export interface ApprovalSpec {
  levels: LevelDef[];
  notify?: NotifySpec;
  timeoutMs?: number;
  remindAfterMs?: number;
  allowSelfApproval: boolean;
  chat: boolean;
}

const LEVEL_KEYS = ['Name', 'Mode', 'Approvers', 'Criteria', 'MinRequiredApprovals', 'EscalateAfter', 'EscalateTo'];
const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isExpr = (v: unknown) => typeof v === 'string' && /\{\{.*\}\}/.test(v);
const names = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** What is wrong with ACS::Approve's Properties, for template validation (expressions pass). */
export function approveProblems(p: Record<string, unknown>): Problem[] {
  const out: Problem[] = [];
  if (p.Levels !== undefined && !isExpr(p.Levels)) {
    if (!Array.isArray(p.Levels) || !p.Levels.length) return [problem(['Levels'], msg('template:mustBeLevelList'))];
    if (p.Approvers !== undefined) out.push(problem(['Approvers'], msg('template:approversInEachLevel')));
    p.Levels.forEach((l, i) => {
      if (!isMap(l)) {
        out.push(problem(['Levels', i], msg('template:mustBeLevel')));
        return;
      }
      for (const k of Object.keys(l))
        if (!LEVEL_KEYS.includes(k)) {
          const hint = didYouMean(k, LEVEL_KEYS) || msg('template:levelTakes', { keys: LEVEL_KEYS.join(', ') });
          out.push(problem(['Levels', i, k], msg('template:unknownKey', { key: k, hint })));
        }
      if (l.Mode !== undefined && !['ANY', 'ALL'].includes(String(l.Mode)))
        out.push(
          problem(['Levels', i, 'Mode'], withGot(msg('template:mustBeAnyOrAll'), String(JSON.stringify(l.Mode)))),
        );
      if (l.Approvers !== undefined && !names(l.Approvers) && !isExpr(l.Approvers))
        out.push(problem(['Levels', i, 'Approvers'], msg('template:mustBeApprovers')));
      if (l.Criteria !== undefined)
        out.push(...criteriaProblems(l.Criteria).map((x) => ({ ...x, path: ['Levels', i, 'Criteria', ...x.path] })));
      for (const k of ['EscalateAfter'] as const)
        if (l[k] !== undefined && parseDuration(l[k]) === undefined)
          out.push(problem(['Levels', i, k], msg('template:mustBeDurationHours')));
    });
  }
  if (p.Reasons !== undefined && !names(p.Reasons) && !isExpr(p.Reasons))
    out.push(problem(['Reasons'], msg('template:mustBeReasons')));
  for (const k of ['Timeout', 'RemindAfter'] as const) {
    if (p[k] !== undefined && !isExpr(p[k]) && parseDuration(p[k]) === undefined)
      out.push(problem([k], msg('template:mustBeDurationDays')));
  }
  return out;
}

const ms = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : parseDuration(v));

/** The approval an ACS::Approve (or a policy, or CreateApproval) asks for, from its evaluated properties. */
export function readApproval(p: Record<string, unknown>): ApprovalSpec {
  const problems = approveProblems(p);
  if (problems.length)
    throw new ParameterError(
      joined(
        problems.map((x) => msg('template:atPath', { path: x.path.join('.'), problem: textOfProblem(x) })),
        'template:twoClauses',
      ),
    );
  const flag = (v: unknown, d: boolean) => (v === undefined ? d : v === true || v === 'true');
  let levels: LevelDef[];
  if (Array.isArray(p.Levels)) {
    levels = (p.Levels as Record<string, unknown>[]).map((l, i) => {
      const mode = String(l.Mode ?? 'ANY') as 'ANY' | 'ALL';
      const min = l.MinRequiredApprovals !== undefined ? Number(l.MinRequiredApprovals) : 1;
      return {
        ...(l.Name === undefined ? named(msg('template:numberedLevelName', { n: i + 1 })) : { name: String(l.Name) }),
        mode: l.MinRequiredApprovals !== undefined && mode === 'ANY' ? 'MIN' : mode,
        min,
        approvers: l.Approvers as string[] | undefined,
        criteria: l.Criteria as Clause | undefined,
        escalateAfterMs: ms(l.EscalateAfter),
        escalateTo: l.EscalateTo as string[] | undefined,
      };
    });
  } else {
    if (p.Approvers !== undefined && !names(p.Approvers))
      throw new ParameterError(msg('template:approversMustBeNames'));
    const min = Number(p.MinRequiredApprovals ?? 1);
    if (!Number.isInteger(min) || min < 1)
      throw new ParameterError(withGot(msg('template:minApprovals'), String(JSON.stringify(p.MinRequiredApprovals))));
    levels = [
      {
        ...named(msg('template:defaultLevelName')),
        mode: 'MIN',
        min,
        approvers: p.Approvers as string[] | undefined,
        escalateAfterMs: ms(p.EscalateAfter),
        escalateTo: p.EscalateTo as string[] | undefined,
      },
    ];
  }
  for (const l of levels)
    if (!Number.isInteger(l.min) || l.min < 1)
      throw new ParameterError(msg('template:levelProblem', { level: l.name, problem: msg('template:minApprovals') }));
  return {
    levels,
    timeoutMs: ms(p.Timeout),
    remindAfterMs: ms(p.RemindAfter),
    allowSelfApproval: flag(p.AllowSelfApproval, false),
    chat: flag(p.Chat, true),
    notify: readNotify(p),
  };
}

function readNotify(p: Record<string, unknown>): NotifySpec | undefined {
  const type = p.NotifyType ?? (p.WebHook ? 'WebHook' : p.Mail ? 'Mail' : undefined);
  if (type === undefined) return undefined;
  const appendLink =
    p.AppendExecutionLink === undefined ? true : p.AppendExecutionLink === true || p.AppendExecutionLink === 'true';
  if (type === 'WebHook') {
    const w = (isMap(p.WebHook) ? p.WebHook : {}) as Record<string, unknown>;
    if (typeof w.URI !== 'string') throw new ParameterError(msg('template:webHookUriRequired'));
    return {
      type,
      appendLink,
      webhook: {
        uri: w.URI,
        headers: w.Headers as Record<string, string> | undefined,
        content: w.Content ?? {},
        secret: typeof w.Secret === 'string' ? w.Secret : undefined,
      },
    };
  }
  if (type === 'Mail') {
    const m = (isMap(p.Mail) ? p.Mail : {}) as Record<string, unknown>;
    if (typeof m.Host !== 'string' || !m.From) throw new ParameterError(msg('template:mailHostFromRequired'));
    const to = (Array.isArray(m.To) ? m.To : m.To ? [m.To] : [])
      .flatMap((x) => String(x).split(','))
      .map((x) => x.trim())
      .filter(Boolean);
    return {
      type,
      appendLink,
      mail: {
        host: m.Host,
        port: Number(m.Port ?? 465),
        username: m.Username ? String(m.Username) : undefined,
        password: m.Password ? String(m.Password) : undefined,
        from: String(m.From),
        to,
        subject: m.Subject ? String(m.Subject) : undefined,
        body: m.Body ? String(m.Body) : undefined,
      },
    };
  }
  throw new ParameterError(withGot(msg('template:notifyTypeMustBe'), String(JSON.stringify(type))));
}

/** How many approvals complete a level of `n` resolved approvers. */
export function required(level: LevelDef, n: number): number {
  return level.mode === 'ANY' ? 1 : level.mode === 'ALL' ? n : level.min;
}

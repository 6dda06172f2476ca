import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigError } from '../errors.js';
import { msg, t } from '../i18n/index.js';
import { approveProblems } from '../template/approve.js';
import { criteriaProblems, holds, type Clause } from '../template/criteria.js';
import { problem, textOfProblem, verbatim } from '../template/problem.js';

/**
 * Approval policies (OPSGATE_POLICIES): named level lists with `Applies` criteria over the
 * template, its parameters and the requester. A run a policy applies to waits for that approval
 * before its first task.
 */
export interface Policy {
  name: string;
  applies?: Clause;
  properties: Record<string, unknown>;
}

export function loadPolicies(file: string | undefined): Policy[] {
  if (!file) return [];
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = verbatim((err as Error).message.split('\n')[0]!);
    throw new ConfigError(msg('config:fileProblem', { variable: 'OPSGATE_POLICIES', file, problem: why }));
  }
  const policies = (raw as { policies?: unknown } | null)?.policies;
  if (!policies || typeof policies !== 'object' || Array.isArray(policies))
    throw new ConfigError(
      msg('config:fileProblem', { variable: 'OPSGATE_POLICIES', file, problem: msg('config:policiesMustBeMap') }),
    );
  return Object.entries(policies as Record<string, Record<string, unknown>>).map(([name, p]) => {
    const { Applies, ...properties } = p ?? {};
    const problems = [
      ...(Applies === undefined ? [] : criteriaProblems(Applies, ['Applies'])),
      ...approveProblems(properties),
    ];
    if (!properties.Levels && !properties.Approvers) problems.push(problem(['Levels'], msg('config:levelsRequired')));
    if (problems.length) {
      const path = `policies.${name}.${problems[0]!.path.join('.')}`;
      const first = msg('config:pathProblem', { path, problem: textOfProblem(problems[0]!) });
      throw new ConfigError(msg('config:fileProblem', { variable: 'OPSGATE_POLICIES', file, problem: first }));
    }
    return { name, applies: Applies as Clause | undefined, properties };
  });
}

/** The policies that apply to starting `template` with `parameters` as `owner`. */
export function applicable(
  policies: Policy[],
  subject: { template: string; parameters: Record<string, unknown>; owner?: string },
): Policy[] {
  const s = {
    template: { name: subject.template },
    parameters: subject.parameters,
    request: { owner: subject.owner },
    outputs: {},
    context: {},
  };
  return policies.filter((p) => !p.applies || holds(p.applies, s));
}

/**
 * The approval that the policies applying to a run ask for before its first task: their levels one
 * after another, their names as the ticket's reasons.
 */
export function policyGate(policies: Policy[]): Record<string, unknown> {
  const levels = policies.flatMap((p) =>
    Array.isArray(p.properties.Levels)
      ? p.properties.Levels
      : [
          {
            Name: p.name,
            Approvers: p.properties.Approvers,
            MinRequiredApprovals: p.properties.MinRequiredApprovals ?? 1,
          },
        ],
  );
  const first = policies[0]!.properties;
  return {
    Levels: levels,
    ...(first.Timeout ? { Timeout: first.Timeout } : {}),
    ...(first.RemindAfter ? { RemindAfter: first.RemindAfter } : {}),
    // Reasons are stored on the ticket as text, as a template's own Reasons are: in English.
    Reasons: policies.map((p) => t('en', 'config:policyApplies', { name: p.name })),
  };
}

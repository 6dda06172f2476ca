import { isMsg, msg, type Msg } from '../i18n/index.js';
import type { ActionCatalog } from './catalog.js';
import { type Problem, problem } from './problem.js';
import { keysAt } from './property-fields.js';
import { textOf } from './said.js';
import { closest } from './suggest.js';
import { zodProblems } from './zod-problems.js';

/** `ACS::<Product>::<Name>`: Alibaba's own templates, such as ACS::ECS::RebootInstance. */
const PRODUCT_ACTION = /^ACS::[A-Za-z0-9]+::[A-Za-z0-9_-]+$/i;
const NAMESPACED = /^(ACS|Opsgate)::/i;

/**
 * What is wrong with a task's Action: not built in, not a product action and not a known template.
 * Without `knownTemplates` (the store is not at hand) a plain template name is taken on trust;
 * template names match exactly, as the store finds them when the task runs.
 */
export function actionNameProblem(
  actions: ActionCatalog,
  action: string,
  knownTemplates?: ReadonlySet<string>,
): Msg | undefined {
  if (actions.find(action) || PRODUCT_ACTION.test(action)) return undefined;
  const namespaced = NAMESPACED.test(action);
  if (!namespaced && (!knownTemplates || knownTemplates.has(action))) return undefined;
  // Compared without the shared ACS:: prefix, which would make ACS::Loop look close to ACS::Sleep.
  const tail = (n: string) => n.replace(NAMESPACED, '');
  const builtins = new Map(actions.names.map((n) => [tail(n), n]));
  const near = namespaced
    ? builtins.get(closest(tail(action), builtins.keys()) ?? '')
    : closest(action, [...builtins.values(), ...(knownTemplates ?? [])]);
  if (near) return msg('template:unknownActionNear', { action, near });
  return namespaced
    ? msg('template:unknownActionNamespaced', { action, names: actions.names.join(', ') })
    : msg('template:unknownAction', { action });
}

const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Whether the Properties have a value at `path` (a problem at a path not written is about a missing key). */
function written(p: unknown, path: (string | number)[]): boolean {
  let at = p;
  for (const k of path) {
    if (!at || typeof at !== 'object' || !Object.hasOwn(at, k)) return false;
    at = (at as Record<string | number, unknown>)[k];
  }
  return at !== undefined;
}

/** Every problem of a built-in action's Properties, with paths below Properties; other actions: none. */
export function propertiesProblems(actions: ActionCatalog, action: string, properties: unknown): Problem[] {
  const spec = actions.find(action);
  const p = properties ?? {};
  if (!spec || !isMap(p)) return [];
  const problems: Problem[] = [];
  let checked = p;
  for (const [key, why] of Object.entries(spec.unsupported ?? {})) {
    if (!(key in p)) continue;
    const reason = isMsg(why) ? why : textOf(why);
    problems.push(problem([key], msg('template:keyNotSupported', { key, why: reason }), { atKey: true }));
    checked = { ...checked };
    delete checked[key];
  }
  const r = spec.schema.safeParse(checked, { reportInput: true });
  if (!r.success)
    for (const issue of r.error.issues) problems.push(...zodProblems(issue, (path) => keysAt(spec.schema, path), true));
  problems.push(...(spec.needs?.(p) ?? []));
  // `Duraton: PT1M` is one mistake: the did-you-mean says it, "Duration is required" would repeat it.
  const meant = new Set(problems.flatMap((x) => (x.meant ? [[...x.path.slice(0, -1), x.meant].join('.')] : [])));
  return problems.filter((x) => !(meant.has(x.path.join('.')) && !written(p, x.path)));
}

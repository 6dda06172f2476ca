import { catalogOf, type ActionCatalog } from '../../template/catalog.js';
import { approve } from './approve.js';
import { checkFor } from './check-for.js';
import { templateAction } from './child.js';
import { choice } from './choice.js';
import { executeApi } from './execute-api.js';
import { httpRequest } from './http-request.js';
import { notify } from './notify.js';
import { pause } from './pause.js';
import { runShellScript } from './run-shell-script.js';
import { selectTargets } from './select-targets.js';
import { sleep } from './sleep.js';
import { alarmTrigger, eventTrigger, timerTrigger } from './trigger.js';
import type { BuiltinAction } from './types.js';
import { waitFor } from './wait-for.js';

/**
 * The built-in actions, one line each; each module declares its name, Properties and run. The order
 * is the one messages list them in. Any other action names a template in the store (see child.ts).
 */
export const BUILTIN_ACTIONS: readonly BuiltinAction[] = [
  approve,
  httpRequest,
  executeApi,
  waitFor,
  checkFor,
  selectTargets,
  sleep,
  pause,
  choice,
  notify,
  templateAction,
  timerTrigger,
  eventTrigger,
  alarmTrigger,
  runShellScript,
];

/**
 * What template validation checks tasks against (parseTemplate's `actions`). Names match ignoring
 * case, as OOS spells some two ways (ACS::ExecuteAPI, ACS::ExecuteApi).
 */
export const actionCatalog: ActionCatalog<BuiltinAction> = catalogOf(BUILTIN_ACTIONS);

export function findAction(name: string): BuiltinAction | undefined {
  return actionCatalog.find(name);
}

import { approve } from './approve.js';
import { templateAction } from './child.js';
import { choice } from './choice.js';
import { httpRequest } from './http-request.js';
import { notify } from './notify.js';
import { pause } from './pause.js';
import { runShellScript } from './run-shell-script.js';
import { sleep } from './sleep.js';
import { messageTrigger, timerTrigger } from './trigger.js';
import { cloudActions } from './cloud-registry.js';
import type { Action } from './types.js';

/**
 * Built-in actions by name. OOS spells some names two ways (ACS::ExecuteAPI, ACS::ExecuteApi), so
 * built-ins match case-insensitively. Any other action names a template in the store (see child.ts).
 */
const builtins: Record<string, Action> = {
  'acs::approve': approve,
  'acs::sleep': sleep,
  'acs::pause': pause,
  'acs::choice': choice,
  'acs::template': templateAction,
  'acs::notify': notify,
  'acs::executehttprequest': httpRequest,
  'opsgate::runshellscript': runShellScript,
  'acs::timertrigger': timerTrigger,
  'acs::eventtrigger': messageTrigger('events'),
  'acs::alarmtrigger': messageTrigger('alarms'),
  ...cloudActions,
};

/** The lower-case names of the built-ins (template/actions/index.ts checks their Properties). */
export const builtinNames = (): string[] => Object.keys(builtins);

export function findAction(name: string): Action | undefined {
  return builtins[name.toLowerCase()];
}

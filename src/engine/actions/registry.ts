import { approve } from './approve.js';
import { httpRequest } from './http-request.js';
import { sleep } from './sleep.js';
import type { Action } from './types.js';

/** Built-in actions by name. OOS spells some names two ways, so built-ins match case-insensitively. */
const builtins: Record<string, Action> = {
  'acs::approve': approve,
  'acs::sleep': sleep,
  'acs::executehttprequest': httpRequest,
};

export function findAction(name: string): Action | undefined {
  return builtins[name.toLowerCase()];
}

import { checkFor } from './check-for.js';
import { executeApi } from './execute-api.js';
import { selectTargets } from './select-targets.js';
import type { Action } from './types.js';
import { waitFor } from './wait-for.js';

/**
 * The actions that call Alibaba Cloud's OpenAPI through ports.cloud, by lower-case name, to be
 * merged into the built-ins of registry.ts. `ACS::ExecuteApi` finds ExecuteAPI by that lower case.
 */
export const cloudActions: Record<string, Action> = {
  'acs::executeapi': executeApi,
  'acs::waitfor': waitFor,
  'acs::checkfor': checkFor,
  'acs::selecttargets': selectTargets,
};

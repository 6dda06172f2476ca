import type { z } from 'zod';
import type { Msg } from '../i18n/index.js';
import type { Problem } from './problem.js';

/** What validation knows of one built-in action: its name and what its Properties may hold. */
export interface ActionSpec {
  /** As OOS's documentation spells it ('ACS::Approve'); a template may write it in any case. */
  name: string;
  /** The Properties: exactly these keys (built from property-fields.ts). */
  schema: z.ZodType;
  /** Keys required only together with others (NotifyType WebHook needs WebHook); `problem()` builds each. */
  needs?: (p: Record<string, unknown>) => Problem[];
  /** Keys OOS documents that opsgate would ignore: refused with the reason (a catalogue message), not dropped. */
  unsupported?: Record<string, string | Msg>;
}

/**
 * The built-in actions a template may name. The layer that runs them (engine/actions/registry.ts)
 * injects it, so that this layer checks Properties without knowing which actions exist.
 */
export interface ActionCatalog<S extends ActionSpec = ActionSpec> {
  /** The built-in of this name, ignoring case: OOS writes both ACS::ExecuteAPI and ACS::ExecuteApi. */
  find(name: string): S | undefined;
  /** Every built-in's name as OOS spells it, in the catalogue's order (messages list them so). */
  readonly names: readonly string[];
}

/** A catalogue of these actions, found by name ignoring case. */
export function catalogOf<S extends ActionSpec>(specs: readonly S[]): ActionCatalog<S> {
  const byLowerCase = new Map(specs.map((s) => [s.name.toLowerCase(), s]));
  return { find: (name) => byLowerCase.get(name.toLowerCase()), names: specs.map((s) => s.name) };
}

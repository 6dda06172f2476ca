import { ConfigError } from '../errors.js';
import { msg } from '../i18n/index.js';
import type { EnvSection, ParsedEnv } from './env-section.js';

/**
 * Where a run can be started, and so where its messages go back. `api` and `cli` start runs but take no
 * messages; every other name is a chat platform, named by its line in the registry src/chat/adapters.ts.
 */
export type Platform = string;
export const NO_CHAT_PLATFORMS: readonly Platform[] = ['api', 'cli'];

/** What config must know of a platform registered above it (a chat adapter factory is one). */
export interface PlatformSpec<S = unknown> {
  readonly platform: Platform;
  /** The directory lists people by their own id there (`slack: U0001`). */
  readonly people?: boolean;
  /** Its environment variables, parsed in the one schema with the base ones. */
  readonly env: EnvSection<S>;
}

/** The registered platforms as the environment configures them. */
export class Platforms {
  /** The directory's keys of people ids, in registry order. */
  readonly people: readonly Platform[];
  // Private, so that logging a config never prints the platforms' tokens.
  readonly #env: ParsedEnv;
  readonly #sections: ReadonlySet<EnvSection<unknown>>;

  constructor(specs: readonly PlatformSpec[], env: ParsedEnv) {
    this.people = specs.filter((s) => s.people).map((s) => s.platform);
    this.#env = env;
    this.#sections = new Set(specs.map((s) => s.env));
  }

  /** A platform's settings; undefined when its variables leave it off. */
  settings<S>(section: EnvSection<S>): S | undefined {
    if (!this.#sections.has(section)) throw new ConfigError(msg('config:sectionNotParsed'));
    return section.settings(this.#env);
  }
}

/** Refuses a registry whose names cannot be told apart from each other or from `api` and `cli`. */
export function checkPlatformNames(specs: readonly PlatformSpec[]): void {
  const names = specs.map((s) => s.platform);
  names.forEach((n, i) => {
    const wrong = NO_CHAT_PLATFORMS.includes(n)
      ? 'reserved'
      : names.indexOf(n) !== i
        ? 'twice'
        : !/^[a-z][a-z0-9_-]*$/.test(n)
          ? 'case'
          : undefined;
    // A mistake in the registry, not in the environment: it stops start-up all the same.
    if (wrong) throw new ConfigError(msg('config:platformNameWrong', { name: JSON.stringify(n), wrong }));
  });
}

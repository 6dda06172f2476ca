import { z } from 'zod';
import { msg, type Msg } from '../i18n/index.js';
import { said } from '../template/said.js';

/** The environment as the one schema (config/env.ts) parsed it; each section reads its own variables back. */
export type ParsedEnv = Readonly<Record<string, unknown>>;

/**
 * Reports a cross-check that failed, naming the variable to set or fix: what is wrong with it, from the
 * catalogue (a plain string is shown as it is).
 */
export type EnvProblem = (variable: string, message: string | Msg) => void;

/**
 * Variables that a part above config owns (a chat platform, in its folder): their schema, their
 * cross-checks and the settings they make. config/env.ts merges every section into the one schema.
 */
export interface EnvSection<S> {
  readonly shape: z.ZodRawShape;
  /** Runs once every variable parsed, as the base schema's own cross-checks do. */
  check(env: ParsedEnv, problem: EnvProblem): void;
  /** Undefined when its variables do not turn it on. */
  settings(env: ParsedEnv): S | undefined;
}

type Parsed<Shape extends z.ZodRawShape> = z.output<z.ZodObject<Shape>>;

/** A section whose checks and settings read its variables typed as its own shape parses them. */
export function envSection<Shape extends z.ZodRawShape, S>(def: {
  shape: Shape;
  check?: (env: Parsed<Shape>, problem: EnvProblem) => void;
  settings: (env: Parsed<Shape>) => S | undefined;
}): EnvSection<S> {
  return {
    shape: def.shape,
    check: (env, problem) => def.check?.(own(def.shape, env), problem),
    settings: (env) => def.settings(own(def.shape, env)),
  };
}

/** The variables of a shape, read from an env that a schema holding that shape parsed. */
export function own<Shape extends z.ZodRawShape>(_shape: Shape, env: ParsedEnv): Parsed<Shape> {
  // The merged schema parsed these keys with this very shape; only their static type was lost in the merge.
  return env as Parsed<Shape>;
}

/** A variable that must be a URL. */
export const url = () =>
  z.string().refine(
    (v) => {
      try {
        new URL(v);
        return true;
      } catch {
        return false;
      }
    },
    said(msg('config:mustBeUrl')),
  );

import type { z } from 'zod';
import { closest } from './suggest.js';
import type { Problem } from './validate.js';

/** zod's issues as plain problems: `unknown key X (did you mean Y?)`, `must be a list, got a map`. */

const KIND_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  array: 'a list',
  object: 'a map',
  record: 'a map',
  boolean: 'true or false',
  int: 'a whole number',
};

function orList(values: readonly unknown[]): string {
  const shown = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}` : shown.join('');
}

/**
 * The problems of one issue. `knownKeys` gives the keys of the map at a path, for the did-you-mean
 * of an unknown key; with `listKnown`, an unknown key that is close to none lists them instead.
 */
export function zodProblems(
  issue: z.core.$ZodIssue,
  knownKeys: (path: (string | number)[]) => readonly string[],
  listKnown = false,
): Problem[] {
  const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
  const got = issue.input === undefined ? '' : `, got ${describe(issue.input)}`;
  if (
    issue.input === undefined &&
    issue.code !== 'unrecognized_keys' &&
    issue.code !== 'too_small' &&
    issue.code !== 'custom'
  ) {
    return [{ path, message: 'is required' }];
  }
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(path);
      const none = listKnown ? (known.length ? ` (known keys: ${known.join(', ')})` : ' (it takes no properties)') : '';
      return issue.keys.map((key) => {
        const meant = closest(key, known);
        const message = `unknown key ${key}${meant ? ` (did you mean ${meant}?)` : none}`;
        return { path: [...path, key], message, atKey: true, ...(meant ? { meant } : {}) };
      });
    }
    case 'invalid_type':
      if (issue.expected === 'int' || (issue.expected === 'number' && typeof issue.input === 'number'))
        return [{ path, message: `must be a whole number${got}` }];
      return [
        {
          path,
          message: issue.message.startsWith('Invalid input')
            ? `must be ${KIND_NAMES[issue.expected] ?? issue.expected}${got}`
            : `${issue.message}${got}`,
        },
      ];
    case 'invalid_value':
      return [{ path, message: `must be ${orList(issue.values)}${got}` }];
    case 'invalid_union':
      return [{ path, message: `${issue.message.startsWith('Invalid input') ? 'is not valid' : issue.message}${got}` }];
    case 'invalid_format':
      return [{ path, message: `${issue.message.startsWith('Invalid') ? 'is not valid' : issue.message}${got}` }];
    case 'too_small':
      if (issue.origin === 'number') {
        const said = issue.message.startsWith('Too small') ? `must be at least ${issue.minimum}` : issue.message;
        return [{ path, message: `${said}${got}` }];
      }
      return [{ path, message: issue.message }];
    case 'custom':
      // A refinement's message says what was wanted; the value says what was written.
      return [
        {
          path,
          message:
            issue.input === undefined || issue.message === 'is required' ? issue.message : `${issue.message}${got}`,
        },
      ];
    default:
      return [{ path, message: issue.message.startsWith('Invalid') ? `is not valid${got}` : issue.message }];
  }
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return JSON.stringify(v);
}

import { z } from 'zod';
import { msg, type Msg, t } from '../i18n/index.js';
import { type Problem, problem, shown, withGot } from './problem.js';
import { textOf } from './said.js';
import { closest } from './suggest.js';

/** zod's issues as plain problems: `unknown key X (did you mean Y?)`, `must be a list, got a map`. */

/** What zod calls a kind, as the catalogue says it (`a list`); another kind by its zod name. */
const kind = (expected: string) => msg('template:kindName', { kind: expected });

function orList(values: readonly unknown[]): Msg | string {
  const shownValues = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (shownValues.length <= 1) return shownValues.join('');
  return msg('template:orList', { items: shownValues.slice(0, -1).join(', '), last: shownValues.at(-1) });
}

const util = z.core.util;

/** zod's own words for what it checked, built from the issue (the catalogue's rendering of them). */
function zodWords(issue: z.core.$ZodIssue): Msg | undefined {
  switch (issue.code) {
    case 'too_small':
    case 'too_big': {
      const below = issue.code === 'too_small';
      const limit = String(below ? issue.minimum : issue.maximum);
      const op = issue.exact ? 'exactly' : `${below ? '>' : '<'}${issue.inclusive ? '=' : ''}`;
      const unit = { string: 'characters', file: 'bytes', array: 'items', set: 'items', map: 'entries' }[
        String(issue.origin)
      ];
      const origin = String(issue.origin ?? 'value');
      if (unit) return msg(below ? 'template:zodTooSmallSize' : 'template:zodTooBigSize', { origin, op, limit, unit });
      return msg(below ? 'template:zodTooSmall' : 'template:zodTooBig', { origin, op, limit });
    }
    case 'invalid_type': {
      // Without reportInput the issue has no input: what zod received is only in its message.
      const received = / received (\S+)$/.exec(issue.message)?.[1] ?? util.parsedType(issue.input);
      return msg('template:zodInvalidType', { expected: issue.expected, received });
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? msg('template:zodInvalidValue', { value: util.stringifyPrimitive(issue.values[0]) })
        : msg('template:zodInvalidOption', { values: util.joinValues(issue.values, '|') });
    case 'unrecognized_keys':
      return msg('template:zodUnrecognizedKeys', {
        many: issue.keys.length > 1 ? 'yes' : 'no',
        keys: util.joinValues(issue.keys, ', '),
      });
    default:
      return undefined;
  }
}

/**
 * An issue's message from the catalogue: zod's own words when they are the ones zod wrote (`Too small:
 * expected string to have >=1 characters`), a schema's `said(...)` message, else the message as it is.
 */
export function zodText(issue: z.core.$ZodIssue): Msg {
  const words = zodWords(issue);
  if (words && t('en', words.key, words.values) === issue.message) return words;
  return textOf(issue.message);
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
  const got = (m: Msg) => (issue.input === undefined ? m : withGot(m, shown(issue.input)));
  if (
    issue.input === undefined &&
    issue.code !== 'unrecognized_keys' &&
    issue.code !== 'too_small' &&
    issue.code !== 'custom'
  ) {
    return [problem(path, msg('template:isRequired'))];
  }
  const invalid = issue.message.startsWith('Invalid');
  // zod's default messages open with these words (in English, zod's own); a schema's message does not.
  // i18n-exempt: zod's own prefix, matched to tell its default messages from a schema's
  const zodDefault = issue.message.startsWith('Invalid input');
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(path);
      const none = !listKnown
        ? ''
        : known.length
          ? msg('template:knownKeys', { keys: known.join(', ') })
          : msg('template:takesNoProperties');
      return issue.keys.map((key) => {
        const meant = closest(key, known);
        const hint = meant ? msg('template:didYouMean', { name: meant }) : none;
        return problem([...path, key], msg('template:unknownKey', { key, hint }), {
          atKey: true,
          ...(meant ? { meant } : {}),
        });
      });
    }
    case 'invalid_type':
      if (issue.expected === 'int' || (issue.expected === 'number' && typeof issue.input === 'number'))
        return [problem(path, got(msg('template:mustBeWholeNumber')))];
      return [problem(path, got(zodDefault ? msg('template:mustBe', { what: kind(issue.expected) }) : zodText(issue)))];
    case 'invalid_value':
      return [problem(path, got(msg('template:mustBeValue', { values: orList(issue.values) })))];
    case 'invalid_union':
      return [problem(path, got(zodDefault ? msg('template:isNotValid') : zodText(issue)))];
    case 'invalid_format':
      return [problem(path, got(invalid ? msg('template:isNotValid') : zodText(issue)))];
    case 'too_small':
      if (issue.origin === 'number') {
        const atLeast = msg('template:mustBeAtLeast', { min: String(issue.minimum) });
        // i18n-exempt: zod's own prefix of its default message for a number below its minimum
        const said = issue.message.startsWith('Too small') ? atLeast : zodText(issue);
        return [problem(path, got(said))];
      }
      return [problem(path, zodText(issue))];
    case 'custom': {
      // A refinement's message says what was wanted; the value says what was written.
      const said = zodText(issue);
      const required = issue.message === t('en', 'template:isRequired');
      return [problem(path, issue.input === undefined || required ? said : got(said))];
    }
    default:
      return [problem(path, invalid ? got(msg('template:isNotValid')) : zodText(issue))];
  }
}

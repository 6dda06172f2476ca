import { any, duration, ex, list, name, props, req } from './fields.js';

/** ACS::Sleep: Duration, ISO-8601 (PT10S) or OOS's contracted forms (10s, 1H2M). */
export const sleepSchema = props({ Duration: req(duration) });

/** ACS::Pause takes nothing: NotifyExecution resumes it. */
export const pauseSchema = props({});

/** ACS::Choice: the first Choices[].When that holds names the next task, else DefaultTask. */
export const choiceSchema = props({
  DefaultTask: ex(name),
  Choices: req(list(ex(props({ When: req(any), NextTask: req(name) })), 'must be a list of {When, NextTask}')),
});

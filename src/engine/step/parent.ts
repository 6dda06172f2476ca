import type { Execution, ParentRef } from '../types.js';

/**
 * The parent task (or loop item) a child's end resumes, whatever ended it (its last task, a cancel).
 * A trigger's child is detached: its parent keeps waiting for the next one.
 */
export function waitingParent(exec: Pick<Execution, 'parent'>): ParentRef | undefined {
  const p = exec.parent;
  return p && !p.detached ? p : undefined;
}

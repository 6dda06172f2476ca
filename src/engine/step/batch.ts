import { findAction } from '../actions/registry.js';
import { postsProgress, type Execution, type TaskRecord } from '../types.js';
import type { Effect, ProgressMessage, TaskRun } from './types.js';

/**
 * The effects one call of `step` returns, in order. The job's first save claims the execution: a
 * save of it Running is the claim itself; anything else first gets a save of its own that claims
 * (a signal must not be cleared, nor a message sent, by a job that does not hold the execution).
 */
export class Batch {
  readonly effects: Effect[] = [];
  private claim: { execution: Execution; started: boolean } | undefined;

  constructor(claim?: { execution: Execution; started: boolean }) {
    this.claim = claim;
  }

  /** A save; `records` are task runs it keeps with it (see the save effect). */
  save(execution: Execution, park: boolean, records?: TaskRun[]): void {
    const with_ = records?.length ? { records } : {};
    if (this.claim && execution.status === 'Running' && !park) {
      const { started } = this.claim;
      this.claim = undefined;
      this.effects.push({ kind: 'save', execution, park, claim: true, ...with_ });
      if (started) this.tell(execution, { kind: 'started', executionId: execution.id });
      return;
    }
    this.claimFirst();
    // A save right after another replaces it: nothing ran or was told in between, so the first would be
    // written only to be overwritten at once (a task's end and the next one's start, the last task's end
    // and the run's). Not a claim's status change: the stored status must stay one the save may leave.
    const last = this.effects.at(-1);
    if (
      last?.kind === 'save' &&
      !last.park &&
      (last.execution.status === execution.status || (!last.claim && last.execution.status === 'Running'))
    ) {
      const kept = [...(last.records ?? []), ...(records ?? [])];
      this.effects[this.effects.length - 1] = {
        kind: 'save',
        execution,
        park,
        ...(last.claim ? { claim: true } : {}),
        ...(kept.length ? { records: kept } : {}),
      };
      return;
    }
    this.effects.push({ kind: 'save', execution, park, ...with_ });
  }

  push(effect: Effect): void {
    this.claimFirst();
    if (effect.kind === 'run' && mayGoUnsaved(effect.task.Action, effect.record)) this.deferLast();
    this.effects.push(effect);
  }

  /**
   * A local task (or one that only reads) is about to run right after a save that recorded only local
   * tasks: nothing outside the run saw them, so the save may wait for the next one (a crash runs them
   * again, harmlessly).
   * A claim may wait too: the save that carries it checks what the claim would have (the version the
   * job read, a status that may become Running), so a run another job took or changed meanwhile
   * refuses it, and a run of local tasks only is written once, when it ends or waits. A park is never
   * deferred (it lets go of the run).
   */
  private deferLast(): void {
    const last = this.effects.at(-1);
    if (last?.kind !== 'save' || last.park) return;
    if (!(last.records ?? []).every((r) => isLocal(r.record.action))) return;
    this.effects[this.effects.length - 1] = { ...last, defer: true };
  }

  /** Progress goes to the chat where the run started; API and CLI runs, and children, have none to tell. */
  tell(exec: Execution, message: ProgressMessage): void {
    if (!exec.parent && postsProgress(exec.origin)) this.push({ kind: 'notify', message });
  }

  private claimFirst(): void {
    if (!this.claim) return;
    const { execution, started } = this.claim;
    this.claim = undefined;
    this.effects.push({ kind: 'save', execution, park: false, claim: true });
    if (started) this.tell(execution, { kind: 'started', executionId: execution.id });
  }
}

const isLocal = (action: string) => findAction(action)?.local === true;

/** A task that may run before the run is saved: a local one, or one whose run only reads (actions/types.ts). */
function mayGoUnsaved(action: string, record: TaskRecord): boolean {
  const found = findAction(action);
  return found?.local === true || found?.readsOnly?.(record) === true;
}

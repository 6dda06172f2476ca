import { postsProgress, type Execution } from '../types.js';
import type { Effect, ProgressMessage } from './types.js';

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

  save(execution: Execution, park: boolean): void {
    if (this.claim && execution.status === 'Running' && !park) {
      const { started } = this.claim;
      this.claim = undefined;
      this.effects.push({ kind: 'save', execution, park, claim: true });
      if (started) this.tell(execution, { kind: 'started', executionId: execution.id });
      return;
    }
    this.claimFirst();
    this.effects.push({ kind: 'save', execution, park });
  }

  push(effect: Effect): void {
    this.claimFirst();
    this.effects.push(effect);
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

/** Everything of one finished execution that leaves Redis, as the archive keeps and returns it. */
export type { RunRecord as ArchivedRun } from '../engine/run-record.js';

/** Where a list page ends: the last execution's createDate (ms) and id; the next page starts after it. */
export interface RunCursor {
  score: number;
  id: string;
}

/** ListExecutions' filters over archived runs; every one given must hold. Dates are ms, inclusive. */
export interface ArchiveQuery {
  status?: string;
  /** Exact names, any of them. */
  templateNames?: string[];
  executedBy?: string;
  parentId?: string;
  /** Only executions without a parent. */
  rootOnly?: boolean;
  mode?: string;
  startAfter?: number;
  startBefore?: number;
  /** An end date filter leaves out executions with no end date. */
  endAfter?: number;
  endBefore?: number;
  /** Every key=value must be among the execution's tags. */
  tags?: Record<string, string>;
  /** A substring of the description, case as written. */
  description?: string;
}

/** One vote, for ListApprovalAudit and `opsgate audit`. */
export interface AuditRecord {
  WorkflowInstanceId: string;
  ExecutionId?: string;
  TemplateName?: string;
  TemplateVersion?: string;
  TemplateHash?: string;
  Level: number;
  Approver: string;
  Decision: 'AGREE' | 'REJECT';
  Comment?: string;
  Channel?: string;
  Date: string;
}

/** A range of votes by date, `since` inclusive, `until` exclusive (ms), oldest first. */
export interface AuditQuery {
  since: number;
  until?: number;
  limit: number;
  cursor?: string;
}

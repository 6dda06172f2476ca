/**
 * Every failure opsgate reports carries a stable `code` that callers (chat replies, /api responses,
 * tests) can rely on; the message is for people and may change.
 */
export class OpsgateError extends Error {
  readonly code: string;
  /** HTTP status the /api layer answers with. */
  readonly status: number;
  constructor(code: string, message: string, status = 400, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
  }
}

export class ConfigError extends OpsgateError {
  constructor(message: string) {
    super('InvalidConfig', message, 500);
  }
}

/** One problem in a template, located by its path and, when known, its line and column. */
export interface TemplateProblem {
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export class TemplateInvalidError extends OpsgateError {
  constructor(
    readonly problems: TemplateProblem[],
    source = 'template',
  ) {
    super('InvalidTemplate', `${source} is invalid:\n${problems.map(formatProblem).join('\n')}`);
  }
}

export function formatProblem(p: TemplateProblem): string {
  const at = p.line ? ` (line ${p.line}${p.column ? `, column ${p.column}` : ''})` : '';
  return `  ${p.path || '(root)'}${at}: ${p.message}`;
}

export class TemplateNotFoundError extends OpsgateError {
  constructor(name: string, version?: string) {
    super('EntityNotExists.Template', `template ${name}${version ? ` ${version}` : ''} does not exist`, 404);
  }
}

export class ExecutionNotFoundError extends OpsgateError {
  constructor(id: string) {
    super('EntityNotExists.Execution', `execution ${id} does not exist`, 404);
  }
}

export class TicketNotFoundError extends OpsgateError {
  constructor(id: string) {
    super('EntityNotExists.Ticket', `approval ticket ${id} does not exist`, 404);
  }
}

/** One template parameter's problem, for forms that show it beside its field. */
export interface ParameterProblem {
  name: string;
  problem: string;
}

export class ParameterError extends OpsgateError {
  /** The parameters the error is about (none when it is about no one parameter). */
  constructor(
    message: string,
    readonly fields: ParameterProblem[] = [],
  ) {
    super('InvalidParameter', message, 400);
  }
}

export class ExpressionError extends OpsgateError {
  constructor(message: string) {
    super('InvalidExpression', message, 400);
  }
}

export class ForbiddenError extends OpsgateError {
  constructor(message: string) {
    super('Forbidden', message, 403);
  }
}

export class InvalidStatusError extends OpsgateError {
  constructor(message: string) {
    super('InvalidStatus.Execution', message, 409);
  }
}

/** A NotifyExecution word would run or pass a task before the approval that guards it (engine/gate.ts). */
export class ApprovalGateError extends OpsgateError {
  constructor(message: string) {
    super('Forbidden.ApprovalGate', message, 403);
  }
}

/** Wraps anything thrown that is not an OpsgateError, so callers see one shape. */
export function asOpsgateError(err: unknown): OpsgateError {
  if (err instanceof OpsgateError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new OpsgateError('InternalError', message, 500, { cause: err });
}

/** An Alibaba Cloud API answered with an error: its Code and Message, as the API gave them. */
export class CloudApiError extends OpsgateError {
  constructor(
    readonly apiCode: string,
    message: string,
    readonly requestId?: string,
    readonly httpStatus = 400,
  ) {
    super(apiCode, message, 502);
  }
}

/** The archive (PostgreSQL) cannot be reached or did not answer in time: the caller retries later. */
export class ArchiveUnavailableError extends OpsgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ArchiveUnavailable', message, 503, options);
  }
}

/** The archive answered with an error of its own (a refused statement, a failed migration). */
export class ArchiveFailedError extends OpsgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ArchiveFailed', message, 500, options);
  }
}

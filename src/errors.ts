import { type Locale, type Msg, msg, render } from './i18n/index.js';

/**
 * Every failure opsgate reports carries a stable `code` that callers (chat replies, /api responses,
 * tests) can rely on; the message is for people and may change.
 */
export class OpsgateError extends Error {
  readonly code: string;
  /** HTTP status the /api layer answers with. */
  readonly status: number;
  /** The message from the catalogue, for readers in other languages (`messageIn`); `message` is its English. */
  readonly text?: Msg;
  constructor(code: string, message: string | Msg, status = 400, options?: { cause?: unknown }) {
    super(render(message, 'en'), options);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    if (typeof message !== 'string') this.text = message;
  }
}

/** An error's message in the reader's language (its English when it has no catalogue message). */
export function messageIn(err: unknown, locale: Locale): string {
  if (err instanceof OpsgateError && err.text) return render(err.text, locale);
  return err instanceof Error ? err.message : String(err);
}

export class ConfigError extends OpsgateError {
  constructor(message: string | Msg) {
    super('InvalidConfig', message, 500);
  }
}

/** One problem in a template, located by its path and, when known, its line and column. */
export interface TemplateProblem {
  path: string;
  /** In English; `text` is the same from the catalogue, for readers of other languages. */
  message: string;
  text?: Msg;
  line?: number;
  column?: number;
}

/** Every problem of a template, one a line under `source is invalid:`; `messageIn` shows them in any language. */
export class TemplateInvalidError extends OpsgateError {
  constructor(
    readonly problems: TemplateProblem[],
    source = 'template',
  ) {
    super('InvalidTemplate', msg('template:templateInvalid', { source, problems: lines(problems.map(problemLine)) }));
  }
}

/** One problem as a line: `  path (line L, column C): message`. */
export function problemLine(p: TemplateProblem): Msg {
  const at = !p.line
    ? ''
    : p.column
      ? msg('template:atLineColumn', { line: String(p.line), column: String(p.column) })
      : msg('template:atLine', { line: String(p.line) });
  return msg('template:problemLine', {
    path: p.path || msg('template:rootPath'),
    at,
    problem: p.text ?? msg('template:verbatim', { text: p.message }),
  });
}

export function formatProblem(p: TemplateProblem, locale: Locale = 'en'): string {
  return render(problemLine(p), locale);
}

/** Messages one a line, nested in halves so that rendering many stays shallow. */
function lines(items: Msg[]): Msg {
  if (items.length <= 1) return items[0] ?? msg('template:verbatim', { text: '' });
  const half = Math.ceil(items.length / 2);
  return msg('template:twoLines', { first: lines(items.slice(0, half)), rest: lines(items.slice(half)) });
}

export class TemplateNotFoundError extends OpsgateError {
  constructor(name: string, version?: string) {
    super('EntityNotExists.Template', msg('common:templateNotFound', { name, version: version ?? 'none' }), 404);
  }
}

export class ExecutionNotFoundError extends OpsgateError {
  constructor(id: string) {
    super('EntityNotExists.Execution', msg('common:executionNotFound', { id }), 404);
  }
}

export class TicketNotFoundError extends OpsgateError {
  constructor(id: string) {
    super('EntityNotExists.Ticket', msg('common:ticketNotFound', { id }), 404);
  }
}

/** One template parameter's problem, for forms that show it beside its field. */
export interface ParameterProblem {
  name: string;
  /** In English; `text` is the same from the catalogue. */
  problem: string;
  text?: Msg;
}

export class ParameterError extends OpsgateError {
  /** The parameters the error is about (none when it is about no one parameter). */
  constructor(
    message: string | Msg,
    readonly fields: ParameterProblem[] = [],
  ) {
    super('InvalidParameter', message, 400);
  }
}

export class ExpressionError extends OpsgateError {
  constructor(message: string | Msg) {
    super('InvalidExpression', message, 400);
  }
}

export class ForbiddenError extends OpsgateError {
  constructor(message: string | Msg) {
    super('Forbidden', message, 403);
  }
}

export class InvalidStatusError extends OpsgateError {
  constructor(message: string | Msg) {
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
  constructor(message: string | Msg, options?: { cause?: unknown }) {
    super('ArchiveUnavailable', message, 503, options);
  }
}

/** The archive answered with an error of its own (a refused statement, a failed migration). */
export class ArchiveFailedError extends OpsgateError {
  constructor(message: string | Msg, options?: { cause?: unknown }) {
    super('ArchiveFailed', message, 500, options);
  }
}

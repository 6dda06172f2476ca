/**
 * Every Redis key opsgate uses is built here. Keys of one execution share the hash tag `{exec-...}`
 * so its scripts run on one Redis Cluster slot; BullMQ's prefix is `{PREFIX}` for the same reason.
 */
export interface Keys {
  prefix: string;
  bullPrefix: string;
  templates: string;
  template(name: string): string;
  execution(id: string): string;
  executionIndex: string;
  ticketSeq: string;
  ticketIndex: string;
  ticketsOfExecution(execId: string): string;
  ticket(execId: string, ticketId: string): string;
  ticketApprovers(execId: string, ticketId: string): string;
  ticketVotes(execId: string, ticketId: string): string;
  consoleMessages: string;
  consoleEvents: string;
  secret: string;
}

export function keys(prefix: string): Keys {
  const tag = (execId: string) => `${prefix}:{${execId}}`;
  return {
    prefix,
    bullPrefix: `{${prefix}}`,
    templates: `${prefix}:templates`,
    template: (name) => `${prefix}:template:${name}`,
    execution: (id) => `${tag(id)}:execution`,
    executionIndex: `${prefix}:executions`,
    ticketSeq: `${prefix}:ticket-seq`,
    ticketIndex: `${prefix}:tickets`,
    ticketsOfExecution: (execId) => `${tag(execId)}:tickets`,
    ticket: (execId, id) => `${tag(execId)}:ticket:${id}`,
    ticketApprovers: (execId, id) => `${tag(execId)}:ticket:${id}:approvers`,
    ticketVotes: (execId, id) => `${tag(execId)}:ticket:${id}:votes`,
    consoleMessages: `${prefix}:console:messages`,
    consoleEvents: `${prefix}:console:events`,
    secret: `${prefix}:secret`,
  };
}

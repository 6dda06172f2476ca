import { createHash } from 'node:crypto';
import calculateSlot from 'cluster-key-slot';

/**
 * Every Redis key opsgate uses is built here. Keys of one execution share the hash tag `{exec-...}`
 * so its scripts run on one Redis Cluster slot; BullMQ's prefix is `{PREFIX}` for the same reason.
 */
export interface Keys {
  prefix: string;
  bullPrefix: string;
  /**
   * BullMQ's prefix of shard `shard` of `count` shards of the steps queue: shard 0 is bullPrefix, the
   * others a hash tag each whose Cluster slot is spread evenly from shard 0's (see spreadTag).
   */
  shardPrefix(shard: number, count: number): string;
  templates: string;
  template(name: string): string;
  execution(id: string): string;
  executionDoc(id: string): string;
  taskExecutions(execId: string): string;
  signals(execId: string): string;
  children(execId: string): string;
  triggers(execId: string): string;
  deliveries(execId: string): string;
  loop(execId: string, taskExecutionId: string): string;
  loopItems(execId: string, taskExecutionId: string): string;
  clientToken(user: string, token: string): string;
  /** Every execution, scored by its createDate (ms): the `all` index of store/execution-index.ts. */
  executionIndex: string;
  /**
   * The other indexes of store/execution-index.ts: sorted sets of execution ids scored by createDate
   * (ms), except `executionsEnded` (by endDate). The status indexes, `ended` and `endless` share one
   * hash tag of their own: one script moves an execution between them (lua/index-status-8.lua).
   * The others are each a key of its own (no command spans two), so in a Cluster they spread.
   */
  executionsByStatus(status: string): string;
  executionsByTemplate(name: string): string;
  executionsByOwner(owner: string): string;
  executionsByParent(parentId: string): string;
  executionsByMode(mode: string): string;
  executionsByTag(key: string, value: string): string;
  executionsChild: string;
  executionsEnded: string;
  /** Runs of a terminal status without an end date (an older opsgate's): listed by end with those not ended. */
  executionsEndless: string;
  /** Every run without an end date, as an older opsgate kept them (now the status indexes): deleted. */
  executionsUnended: string;
  /** A set: every template name an execution was started from (what TemplateName's substring is matched on). */
  executionTemplateNames: string;
  /** A hash: whether the indexes are complete (`version`), the reconcile's cursors, and its lock. */
  indexState: string;
  indexLock: string;
  /** A set of ticket ids per ticket status (store/ticket-index.ts): the ticket counts. */
  ticketsByStatus(status: string): string;
  ticketSeq: string;
  /**
   * Ticket id -> its tag, as an older opsgate kept it: one hash of every ticket (~77 B an entry). Read
   * after ticketIndexBucket; a ticket found only here keeps its fields in a hash of its own.
   */
  ticketIndex: string;
  /**
   * Ticket id -> its tag, in hashes of TICKETS_PER_BUCKET consecutive ids: small enough that Redis keeps
   * each compact (~34 B an entry).
   */
  ticketIndexBucket(ticketId: string): string;
  /** The bucket of ticketIndexBucket by its number (the reconcile walks them in turn). */
  ticketIndexBucketAt(bucket: number): string;
  /** The open tickets as an older opsgate kept them (now the AUDITING status set): deleted by the reconcile. */
  openTickets: string;
  ticket(execId: string, ticketId: string): string;
  ticketVotes(execId: string, ticketId: string): string;
  ticketDoc(tag: string, ticketId: string): string;
  /** Level records as an older opsgate kept them (a JSON map): read and purged, no longer written. */
  ticketLevels(tag: string, ticketId: string): string;
  consoleMessages: string;
  /** The console's message counter, and its messages' ids by that count (oldest first). */
  consoleSeq: string;
  consoleOrder: string;
  consoleEvents: string;
  /** Pub/Sub channel: an execution's id each time it (or its approval) changes. */
  executionEvents: string;
  secret: string;
  /** The base URL the web process answers on, for processes that serve none (`opsgate run`, a worker). */
  siteUrl: string;
  /** A mail approval link already used, by the hash of its token (the token is a credential). */
  usedApprovalLink(token: string): string;
  /** A DingTalk robot's messages in one minute (its rate limit), by a hash of its address. */
  robotMinute(robot: string, minute: number): string;
  /** A one-time console sign-in link, by the hash of its token. */
  loginToken(tokenHash: string): string;
  /** Marks something done once (a chat event delivered twice), by its id. */
  once(id: string): string;
  /** What a chat platform remembers for a while (DingTalk's session webhooks), by platform and key. */
  chatMemory(platform: string, key: string): string;
  /** A rate limiter's count for one caller in one window. */
  rate(scope: string, caller: string, window: number): string;
  /** A console session ended by signing out, by its id, until the cookie would have expired. */
  revokedSession(sessionId: string): string;
  /** A signed Slack request already handled (replay guard), by a hash of its signature. */
  slackDelivery(id: string): string;
  /** A SignatureNonce an AccessKey has used (replay guard), by a hash of the key and the nonce. */
  rpcNonce(accessKeyId: string, nonce: string): string;
  /** Votes by when they were cast (score: ms), member `ticket/level/voter`: the audit's index in Redis. */
  votesByDate: string;
}

/** Ticket ids a bucket of the ticket index holds: under Redis's 128-field limit of a compact hash. */
export const TICKETS_PER_BUCKET = 100;

export function keys(prefix: string): Keys {
  const tag = (execId: string) => `${prefix}:{${execId}}`;
  return {
    prefix,
    bullPrefix: `{${prefix}}`,
    shardPrefix: (n, count) => `{${n === 0 ? prefix : spreadTag(prefix, n, count)}}`,
    templates: `${prefix}:templates`,
    template: (name) => `${prefix}:template:${name}`,
    execution: (id) => `${tag(id)}:execution`,
    executionDoc: (id) => `${tag(id)}:execution:doc`,
    taskExecutions: (id) => `${tag(id)}:task-executions`,
    signals: (id) => `${tag(id)}:signals`,
    children: (id) => `${tag(id)}:children`,
    triggers: (id) => `${tag(id)}:triggers`,
    deliveries: (id) => `${tag(id)}:deliveries`,
    loop: (id, te) => `${tag(id)}:loop:${te}`,
    loopItems: (id, te) => `${tag(id)}:loop:${te}:items`,
    clientToken: (user, token) =>
      `${prefix}:client-token:${createHash('sha256').update(`${user}\n${token}`).digest('hex')}`,
    executionIndex: `${prefix}:executions`,
    executionsByStatus: (s) => `{${prefix}:executions}:status:${s}`,
    executionsByTemplate: (n) => `${prefix}:executions:template:${n}`,
    executionsByOwner: (o) => `${prefix}:executions:owner:${o}`,
    executionsByParent: (id) => `${prefix}:executions:parent:${id}`,
    executionsByMode: (m) => `${prefix}:executions:mode:${m}`,
    // Encoded, so that no key=value pair reads as another.
    executionsByTag: (k, v) => `${prefix}:executions:tag:${encodeURIComponent(k)}=${encodeURIComponent(v)}`,
    executionsChild: `${prefix}:executions:child`,
    executionsEnded: `{${prefix}:executions}:ended`,
    executionsEndless: `{${prefix}:executions}:endless`,
    executionsUnended: `{${prefix}:executions}:unended`,
    executionTemplateNames: `${prefix}:executions:template-names`,
    indexState: `${prefix}:executions:index`,
    indexLock: `${prefix}:executions:index:lock`,
    ticketsByStatus: (s) => `${prefix}:tickets:status:${s}`,
    ticketSeq: `${prefix}:ticket-seq`,
    ticketIndex: `${prefix}:tickets`,
    ticketIndexBucket: (id) => `${prefix}:ticket-index:${Math.floor(Number(id) / TICKETS_PER_BUCKET)}`,
    ticketIndexBucketAt: (n) => `${prefix}:ticket-index:${n}`,
    openTickets: `${prefix}:tickets:open`,
    ticket: (execId, id) => `${tag(execId)}:ticket:${id}`,
    ticketVotes: (execId, id) => `${tag(execId)}:ticket:${id}:votes`,
    ticketDoc: (t, id) => `${tag(t)}:ticket:${id}:doc`,
    ticketLevels: (t, id) => `${tag(t)}:ticket:${id}:levels`,
    // One hash tag: a post writes message and order in one MULTI, also on a Cluster.
    consoleMessages: `{${prefix}:console}:messages`,
    consoleSeq: `{${prefix}:console}:messages:seq`,
    consoleOrder: `{${prefix}:console}:messages:order`,
    consoleEvents: `${prefix}:console:events`,
    executionEvents: `${prefix}:execution-events`,
    secret: `${prefix}:secret`,
    siteUrl: `${prefix}:site:url`,
    usedApprovalLink: (token) => `${prefix}:approval-link:${createHash('sha256').update(token).digest('hex')}`,
    robotMinute: (robot, minute) => `${prefix}:robot:${robot}:${minute}`,
    chatMemory: (platform, key) => `${prefix}:chat:${platform}:${key}`,
    loginToken: (h) => `${prefix}:login:${h}`,
    once: (id) => `${prefix}:once:${id}`,
    rate: (scope, caller, w) => `${prefix}:rate:${scope}:${caller}:${w}`,
    revokedSession: (id) => `${prefix}:session-revoked:${id}`,
    slackDelivery: (id) => `${prefix}:slack-delivery:${id}`,
    rpcNonce: (id, nonce) => `${prefix}:rpc-nonce:${createHash('sha256').update(`${id}\n${nonce}`).digest('hex')}`,
    votesByDate: `${prefix}:votes:by-date`,
  };
}

const SLOTS = 16_384;
/** How far from its target slot a shard's tag may land: a window of 17 slots, found in ~1,000 tries. */
const SLOT_SLACK = 8;
const MAX_TRIES = 1 << 16;
const spread = new Map<string, string>();

/**
 * The hash tag of shard n of count whose slot is count-th of the ring past shard 0's. Hashing names
 * such as `prefix:shard-1` put all shards on one primary one time in nine (3 shards, 3 primaries);
 * evenly spaced slots put each shard on a primary of its own wherever the primaries hold equal slot
 * ranges, as `redis-cli --cluster create` makes them. A pure function of its arguments, so every
 * process names the same queues; memoised because the search runs a few thousand CRC16s.
 */
export function spreadTag(prefix: string, n: number, count: number): string {
  const id = `${prefix}\n${n}\n${count}`;
  const known = spread.get(id);
  if (known !== undefined) return known;
  const target = (calculateSlot(`{${prefix}}`) + Math.round((n * SLOTS) / count)) % SLOTS;
  let best = `${prefix}:shard-${n}`;
  let bestDistance = SLOTS;
  for (let k = 0; k < MAX_TRIES && bestDistance > SLOT_SLACK; k++) {
    const tag = `${prefix}:shard-${n}.${k}`;
    const d = Math.abs(calculateSlot(`{${tag}}`) - target);
    const distance = Math.min(d, SLOTS - d);
    if (distance < bestDistance) [best, bestDistance] = [tag, distance];
  }
  spread.set(id, best);
  return best;
}

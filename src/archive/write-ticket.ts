import type { Ticket, Vote } from '../approval/ticket.js';
import { msg } from '../i18n/index.js';
import { storableText } from './storable.js';
import type { Db } from './pool.js';
import { isoDate, type Tables } from './tables.js';

const text = (s: string | undefined) => (s === undefined ? null : storableText(s));

/** Where a vote was cast (slack, dingtalk, mail, console, api, cli), when the vote recorded it. */
const channelOf = (v: Vote): string | undefined =>
  'channel' in v && typeof v.channel === 'string' ? v.channel : undefined;

/**
 * Writes a ticket (already masked) as it is now, with one row a vote for the audit; votes no longer
 * in it are removed. The ticket's row first, for the same reason as writeRun's.
 */
export async function writeTicket(db: Db, t: Tables, ticket: Ticket, templateHash?: string): Promise<void> {
  // One row a (level, voter): the key the audit pages on; a vote given twice keeps its last.
  const votes = [...new Map(ticket.votes.map((v) => [`${v.level}\n${v.voter}`, v])).values()];
  await db.tx(async (q) => {
    await q(
      `INSERT INTO ${t.tickets} (id, execution_id, template_name, template_hash, status, create_date, decided_at,
         doc)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET execution_id = excluded.execution_id, template_name = excluded.template_name,
         template_hash = excluded.template_hash, status = excluded.status, create_date = excluded.create_date,
         decided_at = excluded.decided_at, doc = excluded.doc, archived_at = now()`,
      [
        ticket.id,
        text(ticket.executionId),
        text(ticket.templateName),
        templateHash ?? null,
        ticket.status,
        isoDate(ticket.createDate, `ticket ${ticket.id} createDate`),
        ticket.decidedAt === undefined ? null : isoDate(ticket.decidedAt, `ticket ${ticket.id} decidedAt`),
        JSON.stringify(ticket),
      ],
    );
    await q(
      `WITH gone AS (
         DELETE FROM ${t.votes} v WHERE v.ticket_id = $1 AND NOT EXISTS (
           SELECT 1 FROM unnest($2::int[], $3::text[]) AS k (level, voter)
           WHERE k.level = v.level AND k.voter = v.voter)
       )
       INSERT INTO ${t.votes} (ticket_id, level, voter, decision, comment, channel, date, at)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
         $8::timestamptz[])
       ON CONFLICT (ticket_id, level, voter) DO UPDATE SET decision = excluded.decision, comment = excluded.comment,
         channel = excluded.channel, date = excluded.date, at = excluded.at`,
      [
        ticket.id,
        votes.map((v) => v.level),
        votes.map((v) => storableText(v.voter)),
        votes.map((v) => v.decision),
        votes.map((v) => text(v.comment)),
        votes.map((v) => text(channelOf(v))),
        votes.map((v) => storableText(v.date)),
        votes.map((v) => isoDate(v.date, msg('store:archiveVoteOf', { ticket: ticket.id, voter: v.voter }))),
      ],
    );
  });
}

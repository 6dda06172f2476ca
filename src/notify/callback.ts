import { createHmac } from 'node:crypto';
import { approvalDetail } from '../approval/dms-detail.js';
import type { Ticket } from '../approval/ticket.js';

/**
 * A CreateApproval caller's decision, POSTed to its CallbackUrl as JSON signed with the opsgate
 * secret: `X-Opsgate-Signature: sha256=HEX` over `TIMESTAMP.BODY`, timestamp in
 * `X-Opsgate-Timestamp`. A failed delivery throws, and its job retries with backoff.
 */
export async function deliverCallback(ticket: Ticket, secret: string, fetchFn: typeof fetch = fetch): Promise<void> {
  if (!ticket.callbackUrl) return;
  const body = JSON.stringify({
    WorkflowInstanceId: ticket.id,
    WorkflowInsCode: ticket.status,
    Reason: ticket.reason ?? '',
    ApprovalDetail: approvalDetail(ticket),
  });
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
  const res = await fetchFn(ticket.callbackUrl, {
    method: 'POST',
    body,
    signal: AbortSignal.timeout(10_000),
    headers: {
      'content-type': 'application/json',
      'x-opsgate-timestamp': ts,
      'x-opsgate-signature': `sha256=${signature}`,
    },
  });
  if (!res.ok) throw new Error(`callback ${new URL(ticket.callbackUrl).host} answered ${res.status}`);
}

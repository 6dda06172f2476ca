import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Middleware, AnyMiddlewareArgs } from '@slack/bolt';
import type { Logger } from '../../log.js';

/** Bolt refuses a signed request older than five minutes: a replay must be remembered that long. */
const BOLT_WINDOW_S = 300;

/** What identifies one delivery from Slack, put on Bolt's `context` by the receiver. */
export interface Delivery {
  slackDelivery?: string;
  slackDeliveryTtl?: number;
}

/**
 * Over HTTP: Slack signs timestamp and body together, so the same signature is the same request
 * (any change breaks it). Kept until Bolt would refuse its timestamp, however skewed the clocks.
 */
export function httpDelivery(req: IncomingMessage, now = Date.now()): Delivery {
  const sig = req.headers['x-slack-signature'];
  const ts = Number(req.headers['x-slack-request-timestamp']);
  if (typeof sig !== 'string' || !Number.isFinite(ts)) return {};
  const ttl = Math.max(BOLT_WINDOW_S, Math.ceil(ts + BOLT_WINDOW_S - now / 1000)) + 5;
  return {
    slackDelivery: createHash('sha256').update(`http\n${ts}\n${sig}`).digest('hex').slice(0, 40),
    slackDeliveryTtl: ttl,
  };
}

/** Over Socket Mode: each envelope has an id; one delivered again (a reconnect) is the same envelope. */
export function socketDelivery(args: { envelope_id?: unknown }): Delivery {
  return typeof args.envelope_id === 'string'
    ? {
        slackDelivery: createHash('sha256').update(`socket\n${args.envelope_id}`).digest('hex').slice(0, 40),
        slackDeliveryTtl: 3600,
      }
    : {};
}

/**
 * Bolt global middleware: a delivery seen before is acknowledged and goes no further, so a
 * captured slash command or button press replayed within Bolt's window starts nothing twice.
 * `firstSeen` is true once per id (SET NX with the TTL).
 */
export function replayGuard(
  firstSeen: (id: string, ttlS: number) => Promise<boolean>,
  log: Logger,
): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { slackDelivery: id, slackDeliveryTtl: ttl } = args.context as Delivery;
    if (id && !(await firstSeen(id, ttl ?? BOLT_WINDOW_S))) {
      log.info({ delivery: id.slice(0, 12) }, 'Slack request seen before: acknowledged and ignored (a replay)');
      // Events are acknowledged by Bolt before middleware runs; commands, actions and views here.
      const ack = (args as { ack?: () => Promise<void> }).ack;
      if (ack) await ack();
      return;
    }
    await args.next();
  };
}

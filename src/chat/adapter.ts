import type { Redis } from 'ioredis';
import type { Config } from '../config/env.js';
import type { Directory } from '../config/directory.js';
import type { EnvSection } from '../config/env-section.js';
import type { PlatformSpec } from '../config/platforms.js';
import type { Access } from '../http/auth/access.js';
import type { Route } from '../http/server.js';
import type { Msg } from '../i18n/index.js';
import type { Logger } from '../log.js';
import type { ConsoleChannel } from '../store/console.js';
import type { Bot } from './bot.js';
import type { Home } from './home.js';
import type { ChatSender } from './platform.js';

/**
 * One chat platform, as the bot process runs it: the routes it answers, what it connects to, and how it
 * renders a neutral message (post, update). It parses, acks and forwards to the bot; it decides nothing.
 */
export interface ChatAdapter extends ChatSender {
  /** How it is connected, for the log: `Slack over Socket Mode`. */
  readonly name: string;
  /** HTTP routes it answers (the console, Slack's events endpoint); none when it connects out. */
  readonly routes: readonly Route[];
  /** Connects out (Socket Mode, Stream Mode); called once the HTTP server listens. */
  start(): Promise<void>;
  /** Disconnects and ends its open streams. */
  stop(): Promise<void>;
}

/** A platform's short-lived memory (DingTalk's session webhooks), each value kept for its time to live. */
export interface ChatMemory {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
}

/** A message about an approval that did not reach someone, recorded on its execution (`status` shows it). */
export interface DeliveryFailure {
  executionId: string;
  ticketId: string;
  channel: string;
  /** In English; `text` is the same from the catalogue, for readers of other languages. */
  message: string;
  text?: Msg;
}

/** What the composition root hands every adapter factory; each takes the parts its platform needs. */
export interface ChatPorts {
  config: Config;
  bot: Bot;
  directory: Directory;
  log: Logger;
  /** Base of links in messages (PUBLIC_URL, else the listen address). */
  publicUrl: string;
  /** Who a browser request is (the console signs people in). */
  access: Access;
  /** The console's stored channel and its live feed. */
  console: { channel: ConsoleChannel; subscriber: Redis; eventsKey: string };
  /** A person's home tab: approvals waiting for them, their recent runs. */
  home(user: string): Promise<Home>;
  /** True the first time a key is seen (for a while): a form submitted twice starts one run. */
  once(key: string): Promise<boolean>;
  /** True the first time a signed delivery is seen (for ttlS seconds): a replayed request does nothing. */
  firstDelivery(id: string, ttlS: number): Promise<boolean>;
  /** A pending approver's own signed approval link (the mail links' page). */
  approvalLink(ticketId: string, approver: string): Promise<string>;
  /** Memory kept in Redis per platform (`memory(platform)`); absent, a platform keeps it in the process. */
  memory?(platform: string): ChatMemory;
  /** Records a delivery that failed for good on its execution, as notify/ records a WebHook's or a mail's. */
  deliveryFailed?(failure: DeliveryFailure): Promise<void>;
  /**
   * Hands `data` back to the platform's sender (`retry`) in `delayMs`, kept in Redis so that a restart of the
   * bot process loses none; absent, a platform waits in its own process.
   */
  retryLater?(platform: string, data: Record<string, unknown>, delayMs: number): Promise<void>;
}

/**
 * One line of the registry (adapters.ts): a platform, what config must know of it (its variables, whether
 * the directory lists people on it), and its adapter when its variables turn it on.
 */
export interface ChatAdapterFactory<P extends string = string, S = unknown> extends PlatformSpec<S> {
  readonly platform: P;
  create(ports: ChatPorts): ChatAdapter | undefined;
}

/**
 * A platform folder's factory: `create` gets the settings its own variables made (its env.ts), and is
 * called only when they turn the platform on.
 */
export function chatAdapterFactory<const P extends string, S>(def: {
  platform: P;
  /** The directory lists people by their id on it: `P: id` is a key of its users. */
  people?: boolean;
  env: EnvSection<S>;
  create(ports: ChatPorts, settings: S): ChatAdapter;
}): ChatAdapterFactory<P, S> {
  const { platform, people, env } = def;
  return {
    platform,
    people,
    env,
    create: (ports) => {
      const settings = ports.config.platforms.settings(env);
      return settings === undefined ? undefined : def.create(ports, settings);
    },
  };
}

import type { ApprovalCard } from '../approval/card.js';
import type { DirectoryUser } from '../config/directory.js';
import type { Platform } from '../config/platforms.js';
import type { Locale } from '../i18n/index.js';

/** A message as the core says it; each platform renders it its own way. */
export interface OutMessage {
  text: string;
  card?: ApprovalCard;
  /** Directory user names to @-mention before the text. */
  mentions?: string[];
  /** The language its readers read (the run's channel's reader); a platform's own words around it follow it. */
  locale?: Locale;
  /** The approval it is about (a reminder): a delivery that fails is recorded on its execution. */
  ticket?: { id: string; executionId?: string };
}

/** Sending side of a chat platform: it renders the neutral message its own way. What the dispatcher needs. */
export interface ChatSender {
  readonly platform: Platform;
  /** Posts to a channel (in a thread when given); returns a reference to update the message. */
  post(channel: string, message: OutMessage, thread?: string): Promise<string>;
  update(channel: string, ref: string, message: OutMessage): Promise<void>;
  /** Sends again what it handed to ChatPorts.retryLater, given back when its time came (in any bot process). */
  retry?(data: Record<string, unknown>): Promise<void>;
}

/** Who sent a command or pressed a button, as the platform knows them and as the directory does. */
export interface Actor {
  platform: Platform;
  id: string;
  user?: DirectoryUser;
  /** The language the platform says they use (Slack's user locale, DingTalk's zh-CN), below the directory's. */
  locale?: string;
}

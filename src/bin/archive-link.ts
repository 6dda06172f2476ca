import { Archive, type ArchiveOptions } from '../archive/archive.js';
import { ArchiveUnavailableError } from '../errors.js';
import { msg } from '../i18n/index.js';
import type { Logger } from '../log.js';

/** How often a missing or failing archive is tried again, and a connected one pinged. */
const RETRY_MS = 5000;

/**
 * The archive as the processes hold it: connected (and migrated) in the background, so that opsgate
 * starts and serves what Redis holds while PostgreSQL is down; every call made meanwhile fails
 * ArchiveUnavailable, which retention answers by waiting. `up` is /readyz's view of it.
 */
export class ArchiveLink {
  private archive?: Archive;
  private connecting?: Promise<Archive>;
  private timer?: NodeJS.Timeout;
  private closed = false;
  private warned = false;
  up = false;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
    private readonly opts: ArchiveOptions = {},
  ) {}

  /** Starts connecting, then keeps checking. */
  start(): this {
    void this.connect().catch(() => undefined);
    this.timer = setInterval(() => void this.check(), RETRY_MS);
    this.timer.unref();
    return this;
  }

  /** The connected archive; one that is not (yet) connected is tried once, then fails ArchiveUnavailable. */
  async get(): Promise<Archive> {
    if (this.archive) return this.archive;
    return this.connect();
  }

  private connect(): Promise<Archive> {
    if (this.closed) return Promise.reject(new ArchiveUnavailableError(msg('store:archiveClosed')));
    this.connecting ??= Archive.connect(this.url, { log: this.log, ...this.opts }).then(
      (a) => {
        if (this.closed) {
          void a.close();
          throw new ArchiveUnavailableError(msg('store:archiveClosed'));
        }
        this.archive = a;
        this.connecting = undefined;
        if (!this.up) this.log.info('archive connected');
        this.up = true;
        return a;
      },
      (err: unknown) => {
        this.connecting = undefined;
        if (this.up || !this.warned) this.log.warn({ err: (err as Error).message }, 'archive does not answer');
        this.warned = true;
        this.up = false;
        throw err instanceof ArchiveUnavailableError
          ? err
          : new ArchiveUnavailableError(`archive: ${(err as Error).message}`, { cause: err });
      },
    );
    return this.connecting;
  }

  private async check(): Promise<void> {
    try {
      await (this.archive ?? (await this.connect())).ping();
      if (!this.up) this.log.info('archive answers again');
      this.up = true;
    } catch (err) {
      if (this.up) this.log.warn({ err: (err as Error).message }, 'archive does not answer');
      this.up = false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.archive?.close();
  }
}

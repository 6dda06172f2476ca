import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const APP_TOKEN = 'xapp-1-test-app-token';

/** One call the fake received: Web API method (or `response_url`) and its decoded arguments. */
export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
}

/**
 * A loopback Slack Web API in the real wire format: form-encoded POSTs with JSON strings for
 * non-scalar arguments (blocks), answered `{ ok: true, ... }`; and the response_url endpoint,
 * which takes JSON. Bolt's WebClient is pointed here with clientOptions.slackApiUrl.
 */
export class FakeSlackApi {
  readonly calls: SlackCall[] = [];
  private server?: Server;
  private seq = 0;
  base = '';
  private readonly limits = new Map<string, number>();
  /** The next call of `method` answers 429 with Retry-After `seconds`. */
  rateLimitNext(method: string, seconds = 1): void {
    this.limits.set(method, seconds);
  }

  /** users.info's answer: the e-mail on each Slack profile. */
  emails: Record<string, string> = { U0005: 'erin@example.com' };
  /** users.info's answer with include_locale: each user's locale (Slack's default en-US when not listed). */
  locales: Record<string, string> = {};
  /** Where apps.connections.open sends Socket Mode clients (a FakeSlackSocket's url). */
  socketUrl?: string;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', 'http://x');
        const answer = (body: unknown) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (url.pathname.startsWith('/response/')) {
          this.calls.push({ method: 'response_url', args: JSON.parse(raw) as Record<string, unknown> });
          return answer({ ok: true });
        }
        const method = url.pathname.replace(/^\/api\//, '');
        // Socket Mode opens its connection with the app-level token; everything else uses the bot token.
        const token = method === 'apps.connections.open' ? `Bearer ${APP_TOKEN}` : 'Bearer xoxb-test-token';
        if (req.headers.authorization !== token) return answer({ ok: false, error: 'invalid_auth' });
        const limited = this.limits.get(method);
        if (limited) {
          // As Slack answers a method called too often: 429 with Retry-After (seconds).
          this.limits.delete(method);
          this.calls.push({ method: `${method} (rate limited)`, args: {} });
          res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(limited) });
          return res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        }
        const args: Record<string, unknown> = {};
        const form = (req.headers['content-type'] ?? '').startsWith('application/json')
          ? Object.entries(JSON.parse(raw) as object)
          : new URLSearchParams(raw);
        for (const [k, v] of form) args[k] = typeof v === 'string' && /^[[{]/.test(v) ? JSON.parse(v) : v;
        this.calls.push({ method, args });
        switch (method) {
          case 'auth.test':
            return answer({
              ok: true,
              url: 'https://fake.slack.com/',
              team: 'fake',
              user: 'opsgate',
              team_id: 'T0001',
              user_id: 'UBOT',
              bot_id: 'BBOT',
            });
          case 'chat.postMessage': {
            // Kept with the call so tests can find replies threaded under it.
            args.ts = `1700000000.${String(++this.seq).padStart(6, '0')}`;
            return answer({ ok: true, channel: args.channel, ts: args.ts, message: args });
          }
          case 'chat.update':
            return answer({ ok: true, channel: args.channel, ts: args.ts });
          case 'users.info': {
            // As Slack answers: every user of the workspace; `locale` only when include_locale is true.
            const id = String(args.user);
            if (!/^[UW][A-Z0-9]+$/.test(id)) return answer({ ok: false, error: 'user_not_found' });
            const email = this.emails[id];
            const locale = String(args.include_locale) === 'true' ? { locale: this.locales[id] ?? 'en-US' } : {};
            return answer({
              ok: true,
              user: { id, team_id: 'T0001', name: id.toLowerCase(), ...locale, profile: email ? { email } : {} },
            });
          }
          case 'views.publish':
            return answer({ ok: true, view: { ...(args.view as object), id: `V${++this.seq}` } });
          case 'views.open':
            return answer({ ok: true, view: { ...(args.view as object), id: `V${++this.seq}` } });
          case 'apps.connections.open':
            if (!this.socketUrl) return answer({ ok: false, error: 'not_allowed' });
            return answer({ ok: true, url: this.socketUrl });
          case 'chat.postEphemeral':
            return answer({ ok: true, message_ts: `1700000000.${String(++this.seq).padStart(6, '0')}` });
          default:
            return answer({ ok: false, error: 'unknown_method' });
        }
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get apiUrl(): string {
    return `${this.base}/api/`;
  }

  of(method: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message the robot accepted (errcode 0). */
export interface RobotMessage {
  body: {
    msgtype?: string;
    at?: { atMobiles?: string[]; atUserIds?: string[]; isAtAll?: boolean | string };
    [k: string]: unknown;
  };
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
}

export interface FakeRobotOptions {
  accessToken?: string;
  /** When set, requests must carry `timestamp` + `sign` ("加签" security mode). */
  secret?: string;
  /** Server clock in ms, for the signature window and the rate limit. */
  now?: () => number;
}

const MINUTE = 60_000;

/**
 * A loopback DingTalk custom group robot (PROTOCOLS.md §4.1): `POST /robot/send?access_token=…`,
 * answered like DingTalk, i.e. HTTP 200 with `{errcode, errmsg}` whatever went wrong:
 * 300001 unknown token, 310000 bad/missing signature or a timestamp over an hour off,
 * 130101 after 20 messages a minute (the robot then stays throttled for 10 minutes).
 */
export class FakeDingTalkRobot {
  readonly messages: RobotMessage[] = [];
  readonly accessToken: string;
  readonly secret: string | undefined;
  base = '';
  private server?: Server;
  private readonly now: () => number;
  private sent: number[] = [];
  private throttledUntil = 0;
  private nextFail?: { errcode: number; errmsg: string };
  private nextStatus?: number;

  constructor(opts: FakeRobotOptions = {}) {
    this.accessToken = opts.accessToken ?? 'fake-access-token';
    this.secret = opts.secret;
    this.now = opts.now ?? Date.now;
  }

  /** The robot's webhook URL, as DingTalk shows it in the group settings. */
  get url(): string {
    return `${this.base}/robot/send?access_token=${this.accessToken}`;
  }

  /** The next request gets this errcode (HTTP 200), before any other check. */
  failNext(errcode: number, errmsg: string): void {
    this.nextFail = { errcode, errmsg };
  }

  /** The next request gets this HTTP status with a non-JSON body, as a gateway in front would. */
  httpStatusNext(status: number): void {
    this.nextStatus = status;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        if (url.pathname !== '/robot/send' || req.method !== 'POST') {
          res.writeHead(404);
          res.end();
          return;
        }
        if (this.nextStatus !== undefined) {
          const status = this.nextStatus;
          this.nextStatus = undefined;
          res.writeHead(status, { 'content-type': 'text/html' });
          res.end(`<html><body>${status}</body></html>`);
          return;
        }
        const answer = (errcode: number, errmsg: string) => {
          res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' });
          res.end(JSON.stringify({ errcode, errmsg }));
        };
        if (this.nextFail) {
          const { errcode, errmsg } = this.nextFail;
          this.nextFail = undefined;
          return answer(errcode, errmsg);
        }
        const query = Object.fromEntries(url.searchParams);
        if (query.access_token !== this.accessToken) return answer(300001, 'token is not exist');
        if (this.secret !== undefined) {
          const bad = this.checkSign(query.timestamp, query.sign);
          if (bad) return answer(310000, bad);
        }
        const now = this.now();
        this.sent = this.sent.filter((t) => now - t < MINUTE);
        if (now < this.throttledUntil || this.sent.length >= 20) {
          this.throttledUntil = Math.max(this.throttledUntil, now + 10 * MINUTE);
          return answer(130101, 'send too fast, exceed 20 times per minute');
        }
        let body: RobotMessage['body'];
        // Commonly reported DingTalk answer for a body that is not JSON (e.g. a form post).
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RobotMessage['body'];
        } catch {
          return answer(40035, '缺少参数 json');
        }
        this.sent.push(now);
        this.messages.push({ body, query, headers: req.headers });
        answer(0, 'ok');
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Returns the errmsg for a rejected signature, or undefined when it is valid. */
  private checkSign(timestamp: string | undefined, sign: string | undefined): string | undefined {
    if (!timestamp || !sign) return 'sign not match';
    const ts = Number(timestamp);
    if (!Number.isFinite(ts) || Math.abs(this.now() - ts) > 60 * MINUTE) return 'invalid timestamp';
    // Compared as text, so a sign that was not URL-encoded ('+' read back as ' ') fails as it does live.
    const want = createHmac('sha256', this.secret!).update(`${timestamp}\n${this.secret!}`).digest('base64');
    return sign === want ? undefined : 'sign not match';
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}

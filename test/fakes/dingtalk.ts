import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const DING_CLIENT_ID = 'ding-test-client';
export const DING_CLIENT_SECRET = 'ding-test-secret';
export const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';
export const TOPIC_CARD = '/v1.0/card/instances/callback';

/** An upstream frame the SDK sent (acks: `{code, headers:{contentType, messageId}, message, data}`). */
export interface DingAck {
  code?: number;
  headers?: { messageId?: string; [k: string]: unknown };
  message?: string;
  data?: string;
  [k: string]: unknown;
}
export interface DingCard {
  create: Record<string, unknown>;
  updates: Record<string, unknown>[];
}
export interface DingSessionMessage {
  session: string;
  body: Record<string, unknown>;
}

/**
 * A loopback DingTalk in the real wire formats (PROTOCOLS.md §3–4), all on one port:
 * the Stream Mode gateway (`POST /v1.0/gateway/connections/open` → `{endpoint, ticket}`), the
 * WebSocket `/connect?ticket=` pushing SYSTEM/CALLBACK frames and recording acks, the robot
 * sessionWebhook (`/robot/sendBySession`), and the api.dingtalk.com OpenAPI calls the bot makes
 * (access token, card instances, robot group messages).
 */
export class FakeDingTalk {
  /** Every gateway POST body, in order. */
  readonly gatewayRequests: Record<string, unknown>[] = [];
  /** Every upstream WebSocket frame (parsed JSON; unparsable ones as `{raw}`). */
  readonly acks: DingAck[] = [];
  readonly sessionMessages: DingSessionMessage[] = [];
  readonly cards = new Map<string, DingCard>();
  readonly groupMessages: Record<string, unknown>[] = [];
  /** What the robot sent to one person (robot/oToMessages/batchSend). */
  readonly privateMessages: Record<string, unknown>[] = [];
  /** Every OpenAPI call (method, path, body), including rejected ones. */
  readonly apiCalls: { method: string; path: string; status: number; body: unknown }[] = [];
  /** WebSocket connections accepted so far. */
  connections = 0;
  /** Send the SYSTEM CONNECTED frame on connect (dingtalk-stream 2.1.5 tolerates it). */
  sendConnected = true;
  base = '';
  private server?: Server;
  private wss?: WebSocketServer;
  private socket?: WebSocket;
  private seq = 0;
  private ticketSeq = 0;
  private tokenSeq = 0;
  private readonly tickets = new Set<string>();
  private readonly tokens = new Set<string>();
  private readonly limits = new Set<string>();
  private readonly expiredSessions = new Set<string>();
  private session = 'S1';
  private sessionExpired = false;
  private connectionId = '';

  get gatewayUrl(): string {
    return `${this.base}/v1.0/gateway/connections/open`;
  }
  /** True while a client socket is open. */
  get connected(): boolean {
    return this.socket?.readyState === 1;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.onHttp(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, sock, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const ticket = url.searchParams.get('ticket') ?? '';
      if (url.pathname !== '/connect' || !this.tickets.has(ticket)) {
        sock.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      this.tickets.delete(ticket); // one-shot, like the real gateway
      this.wss!.handleUpgrade(req, sock, head, (ws) => this.onConnection(ws));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const c of this.wss?.clients ?? []) c.terminate();
    await new Promise((r) => (this.wss ? this.wss.close(r) : r(undefined)));
    this.server?.closeAllConnections();
    await new Promise((r) => (this.server ? this.server.close(r) : r(undefined)));
  }

  /** Pushes a robot text message (TOPIC_ROBOT CALLBACK) and returns the frame's messageId. */
  robotMessage(m: {
    text: string;
    senderStaffId: string;
    senderNick?: string;
    conversationId?: string;
    msgId?: string;
  }): string {
    const now = Date.now();
    const data = {
      conversationId: m.conversationId ?? 'cid-group-1',
      conversationType: '2',
      conversationTitle: 'ops',
      chatbotCorpId: 'dingcorp',
      chatbotUserId: '$:LWCP_v1:$bot',
      msgId: m.msgId ?? `msg${randomUUID()}`,
      senderNick: m.senderNick ?? m.senderStaffId,
      senderStaffId: m.senderStaffId,
      senderId: `$:LWCP_v1:$${m.senderStaffId}`,
      senderCorpId: 'dingcorp',
      isAdmin: false,
      createAt: now,
      sessionWebhook: `${this.base}/robot/sendBySession?session=${this.session}`,
      sessionWebhookExpiredTime: this.sessionExpired ? now - 60_000 : now + 20 * 60_000,
      robotCode: DING_CLIENT_ID,
      msgtype: 'text',
      text: { content: ` ${m.text}` },
      atUsers: [],
      isInAtList: true,
    };
    return this.callback(TOPIC_ROBOT, data);
  }

  /** Pushes a card button click (TOPIC_CARD CALLBACK) and returns the frame's messageId. */
  cardClick(c: { outTrackId: string; userId: string; actionId: string; params?: Record<string, unknown> }): string {
    const content = JSON.stringify({ cardPrivateData: { actionIds: [c.actionId], params: c.params ?? {} } });
    return this.callback(TOPIC_CARD, {
      extension: '{}',
      corpId: 'dingcorp',
      spaceType: 'IM_GROUP',
      userIdType: 1,
      type: 'actionCallback',
      userId: c.userId,
      content,
      spaceId: '',
      outTrackId: c.outTrackId,
      value: content,
    });
  }

  /** Sends any CALLBACK frame; `data` is JSON-stringified. Returns the messageId. */
  callback(topic: string, data: unknown): string {
    const messageId = `msg-${++this.seq}-${randomUUID().slice(0, 8)}`;
    this.requireSocket().send(
      JSON.stringify({
        specVersion: '1.0',
        type: 'CALLBACK',
        headers: {
          appId: 'app-test',
          connectionId: this.connectionId,
          contentType: 'application/json',
          messageId,
          time: String(Date.now()),
          topic,
        },
        data: JSON.stringify(data),
      }),
    );
    return messageId;
  }

  /** Sends a text frame verbatim (malformed frames). Note: dingtalk-stream 2.1.5 JSON.parses without try/catch. */
  sendRaw(text: string): void {
    this.requireSocket().send(text);
  }

  /** Closes the client's socket server-side; the SDK reconnects via a new gateway POST after ~1 s. */
  dropSocket(): void {
    this.socket?.terminate();
    this.socket = undefined;
  }

  /** The upstream frame acking `messageId`, if any. */
  ackFor(messageId: string): DingAck | undefined {
    return this.acks.find((a) => a.headers?.messageId === messageId);
  }

  /** Polls until the ack for `messageId` arrives (or rejects after `ms`). */
  async waitForAck(messageId: string, ms = 3000): Promise<DingAck> {
    const until = Date.now() + ms;
    for (;;) {
      const a = this.ackFor(messageId);
      if (a) return a;
      if (Date.now() > until) throw new Error(`no ack for ${messageId}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Polls until `n` WebSocket connections have been accepted. */
  async waitForConnections(n: number, ms = 5000): Promise<void> {
    const until = Date.now() + ms;
    while (!(this.connections >= n && this.connected)) {
      if (Date.now() > until) throw new Error(`only ${this.connections} connection(s)`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The current session expires: next robot messages carry a past expiry, and posting to it answers 300001. */
  expiredSession(): void {
    this.sessionExpired = true;
    this.expiredSessions.add(this.session);
  }

  /** The next call to OpenAPI `path` (e.g. '/v1.0/card/instances') answers HTTP 429. */
  rateLimitNext(path: string): void {
    this.limits.add(path);
  }

  private requireSocket(): WebSocket {
    if (this.socket?.readyState !== 1) throw new Error('FakeDingTalk: no client connected');
    return this.socket;
  }

  private onConnection(ws: WebSocket): void {
    this.connections++;
    this.socket = ws;
    this.connectionId = `conn-${this.connections}`;
    ws.on('message', (d) => {
      const s = String(d);
      try {
        this.acks.push(JSON.parse(s) as DingAck);
      } catch {
        this.acks.push({ raw: s });
      }
    });
    ws.on('close', () => {
      if (this.socket === ws) this.socket = undefined;
    });
    if (this.sendConnected) {
      ws.send(
        JSON.stringify({
          specVersion: '1.0',
          type: 'SYSTEM',
          headers: {
            topic: 'CONNECTED',
            messageId: `sys-${++this.seq}`,
            contentType: 'application/json',
            time: String(Date.now()),
          },
          data: '{}',
        }),
      );
    }
  }

  private onHttp(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      const path = url.pathname;
      const method = req.method ?? 'GET';
      let body: Record<string, unknown> = {};
      try {
        body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      } catch {
        /* leave empty */
      }
      const answer = (status: number, payload: unknown) => {
        if (path.startsWith('/v1.0/') && path !== '/v1.0/gateway/connections/open')
          this.apiCalls.push({ method, path, status, body });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };

      if (method === 'POST' && path === '/robot/sendBySession') {
        const session = url.searchParams.get('session') ?? '';
        if (this.expiredSessions.has(session)) return answer(200, { errcode: 300001, errmsg: 'session is expired' });
        this.sessionMessages.push({ session, body });
        return answer(200, { errcode: 0, errmsg: 'ok' });
      }

      if (method === 'POST' && path === '/v1.0/gateway/connections/open') {
        if (body.clientId !== DING_CLIENT_ID || body.clientSecret !== DING_CLIENT_SECRET) {
          return answer(401, { code: 'InvalidAuthentication', message: 'clientId or clientSecret is invalid' });
        }
        this.gatewayRequests.push(body);
        const ticket = `ticket-${++this.ticketSeq}`;
        this.tickets.add(ticket);
        return answer(200, { endpoint: `${this.base.replace(/^http/, 'ws')}/connect`, ticket });
      }

      if (method === 'POST' && path === '/v1.0/oauth2/accessToken') {
        if (body.appKey !== DING_CLIENT_ID || body.appSecret !== DING_CLIENT_SECRET) {
          return answer(401, { code: 'InvalidAuthentication', message: 'appKey or appSecret is invalid' });
        }
        const accessToken = `ding-access-${++this.tokenSeq}`;
        this.tokens.add(accessToken);
        return answer(200, { accessToken, expireIn: 7200 });
      }

      if (!path.startsWith('/v1.0/')) return answer(404, { code: 'NotFound', message: `no route ${method} ${path}` });
      const token = req.headers['x-acs-dingtalk-access-token'];
      if (typeof token !== 'string' || !this.tokens.has(token)) {
        return answer(401, { code: 'InvalidAuthentication', message: 'access token is invalid' });
      }
      if (this.limits.delete(path))
        return answer(429, { code: 'Forbidden.AccessDenied.QpsLimitForApi', message: 'qps limit' });

      if (method === 'POST' && path === '/v1.0/card/instances/createAndDeliver') {
        const outTrackId = body.outTrackId;
        if (typeof outTrackId !== 'string' || !outTrackId || typeof body.cardTemplateId !== 'string') {
          return answer(400, { code: 'param.error', message: 'outTrackId and cardTemplateId are required' });
        }
        this.cards.set(outTrackId, { create: body, updates: [] });
        const spaceId = typeof body.openSpaceId === 'string' ? body.openSpaceId : '';
        return answer(200, { success: true, result: { outTrackId, deliverResults: [{ spaceId, success: true }] } });
      }

      if (method === 'PUT' && path === '/v1.0/card/instances') {
        const card = typeof body.outTrackId === 'string' ? this.cards.get(body.outTrackId) : undefined;
        if (!card)
          return answer(400, { code: 'param.error', message: `card instance not found: ${String(body.outTrackId)}` });
        card.updates.push(body);
        return answer(200, { success: true });
      }

      if (method === 'POST' && path === '/v1.0/robot/groupMessages/send') {
        this.groupMessages.push(body);
        return answer(200, { processQueryKey: `q-${++this.seq}` });
      }

      if (method === 'POST' && path === '/v1.0/robot/oToMessages/batchSend') {
        this.privateMessages.push(body);
        return answer(200, { processQueryKey: `q-${++this.seq}` });
      }

      return answer(404, { code: 'NotFound', message: `no route ${method} ${path}` });
    });
  }
}

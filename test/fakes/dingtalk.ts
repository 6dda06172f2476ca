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
  /** Every space the card reached, `IM_GROUP.cid...` / `IM_ROBOT.staffId`, in order. */
  spaces: string[];
}
export interface DingSessionMessage {
  session: string;
  /** The conversation whose session it is. */
  conversationId: string;
  body: Record<string, unknown>;
}
/** A robot message one person received in their 1:1 chat with the robot. */
export interface DingPrivateMessage {
  staffId: string;
  msgKey: string;
  param: Record<string, string>;
}

/**
 * A loopback DingTalk in the real wire formats (PROTOCOLS.md §3–4), all on one port:
 * the Stream Mode gateway (`POST /v1.0/gateway/connections/open` → `{endpoint, ticket}`), the
 * WebSocket `/connect?ticket=` pushing SYSTEM/CALLBACK frames and recording acks, the robot
 * sessionWebhook (`/robot/sendBySession`), and the api.dingtalk.com OpenAPI calls the bot makes
 * (access token, card instances, robot group and 1:1 messages).
 *
 * Each rule below is DingTalk's documented one, cited where it is enforced; the documents are
 * open.dingtalk.com/document/development/<slug> (slug given), the official dingtalk-stream SDKs
 * (open-dingtalk/dingtalk-stream-sdk-python) and the official OpenAPI SDK (aliyun/dingtalk-sdk).
 * The fake knows its organisation: the groups the robot is in (`cid-group-1`, and any group a robot
 * message came from), the 1:1 chats people opened with it, and staff who left (`removeStaff`).
 */
export class FakeDingTalk {
  /** Every gateway POST body, in order. */
  readonly gatewayRequests: Record<string, unknown>[] = [];
  /** Every upstream WebSocket frame (parsed JSON; unparsable ones as `{raw}`). */
  readonly acks: DingAck[] = [];
  readonly sessionMessages: DingSessionMessage[] = [];
  readonly cards = new Map<string, DingCard>();
  readonly groupMessages: Record<string, unknown>[] = [];
  /** Every robot/oToMessages/batchSend body the fake took (including recipients it refused). */
  readonly privateMessages: Record<string, unknown>[] = [];
  /** What each person actually received 1:1, in order. */
  readonly delivered: DingPrivateMessage[] = [];
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
  /** Each session webhook's sessionWebhookExpiredTime. */
  private readonly sessions = new Map<string, number>();
  private sessionSeq = 0;
  private sessionExpired = false;
  /** Groups the robot is in; a group robot message registers its conversation. */
  private readonly groups = new Set<string>(['cid-group-1']);
  /** 1:1 chats with the robot: conversationId -> the person's staff id. */
  private readonly singleChats = new Map<string, string>();
  private readonly removedStaff = new Set<string>();
  private readonly flowControl = new Map<string, number>();
  /** Status of the InvalidAuthentication answer to a stale token: 400 (usual), 401 (sometimes). */
  private staleTokenStatus = 400;
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

  /**
   * Pushes a robot text message (TOPIC_ROBOT CALLBACK) and returns the frame's messageId. Its fields are
   * those of robot-message-type ("机器人接收消息"): conversationType '1' is a 1:1 chat (单聊), '2' a group
   * (群聊, with conversationTitle); sessionWebhook with sessionWebhookExpiredTime (ms), about 20 minutes on.
   */
  robotMessage(m: {
    text: string;
    senderStaffId: string;
    senderNick?: string;
    conversationId?: string;
    /** '1': 1:1 chat with the robot; '2' (default): a group. */
    conversationType?: '1' | '2';
    msgId?: string;
  }): string {
    const now = Date.now();
    const single = m.conversationType === '1';
    const conversationId = m.conversationId ?? (single ? `cid-oto-${m.senderStaffId}` : 'cid-group-1');
    if (single) this.singleChats.set(conversationId, m.senderStaffId);
    else this.groups.add(conversationId);
    const session = `S${++this.sessionSeq}-${conversationId}`;
    const expires = this.sessionExpired ? now - 60_000 : now + 20 * 60_000;
    this.sessions.set(session, expires);
    const data = {
      conversationId,
      conversationType: single ? '1' : '2',
      ...(single ? {} : { conversationTitle: 'ops' }),
      chatbotCorpId: 'dingcorp',
      chatbotUserId: '$:LWCP_v1:$bot',
      msgId: m.msgId ?? `msg${randomUUID()}`,
      senderNick: m.senderNick ?? m.senderStaffId,
      senderStaffId: m.senderStaffId,
      senderId: `$:LWCP_v1:$${m.senderStaffId}`,
      senderCorpId: 'dingcorp',
      isAdmin: false,
      createAt: now,
      sessionWebhook: `${this.base}/robot/sendBySession?session=${encodeURIComponent(session)}`,
      sessionWebhookExpiredTime: expires,
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

  /**
   * Every session so far expires: posting to one answers errcode 300001, and the next robot messages
   * carry a past sessionWebhookExpiredTime. `fresh()` makes new messages carry valid ones again.
   */
  expiredSession(): void {
    this.sessionExpired = true;
    for (const session of this.sessions.keys()) this.sessions.set(session, Date.now() - 1);
  }

  /** Robot messages from now on carry a new session, valid for 20 minutes. */
  freshSessions(): void {
    this.sessionExpired = false;
  }

  /** The next call to OpenAPI `path` (e.g. '/v1.0/card/instances') answers HTTP 429. */
  rateLimitNext(path: string): void {
    this.limits.add(path);
  }

  /**
   * Every access token stops working now (a reset app secret, another process asking for one):
   * DingTalk then answers HTTP 400 `{code: "InvalidAuthentication", message: "不合法的access_token"}`
   * (aliyun/dingtalk-sdk's TeaException samples show exactly this body with StatusCode 400), and
   * sometimes 401, which the Python SDK handles by dropping its token (stream.py reset_access_token:
   * "reset token if open api return 401").
   */
  revokeTokens(status: 400 | 401 = 400): void {
    this.tokens.clear();
    this.staleTokenStatus = status;
  }

  /** The person leaves the organisation: DingTalk no longer knows their userId. */
  removeStaff(staffId: string): void {
    this.removedStaff.add(staffId);
  }

  /** The next `times` 1:1 messages to the person are held back by DingTalk's flow control. */
  flowControlNext(staffId: string, times = 1): void {
    this.flowControl.set(staffId, times);
  }

  /** What the person received in their 1:1 chat with the robot (robot messages; cards are in `cards`). */
  inbox(staffId: string): DingPrivateMessage[] {
    return this.delivered.filter((m) => m.staffId === staffId);
  }

  /** Cards that reached a space: `IM_ROBOT.staff-bob`, `IM_GROUP.cid-group-1`. */
  cardsIn(space: string): [string, DingCard][] {
    return [...this.cards.entries()].filter(([, c]) => c.spaces.includes(space));
  }

  /** robot-message-type: msgKey one of the message templates, msgParam its params as a JSON string. */
  private badRobotMessage(body: Record<string, unknown>): { code: string; message: string } | undefined {
    if (body.robotCode !== DING_CLIENT_ID)
      return { code: 'invalidParameter.robotCode.invalid', message: '无效的robotCode' };
    const keys = /^(sampleText|sampleMarkdown|sampleLink|sampleImageMsg|sampleActionCard[2-6]?)$/;
    if (typeof body.msgKey !== 'string' || !keys.test(body.msgKey))
      return { code: 'invalidParameter.msgKey.invalid', message: 'The msgKey is invalid.' };
    try {
      JSON.parse(String(body.msgParam));
    } catch {
      return { code: 'invalidParameter.msgParam.invalid', message: 'The msgParam must be in JSON format.' };
    }
    return undefined;
  }

  /**
   * create-and-deliver-cards: openSpaceId `dtv1.card//TYPE.id;TYPE.id` (IM_GROUP.openConversationId,
   * IM_ROBOT.userId), each type's deliver model (imGroupOpenDeliverModel needs robotCode;
   * imRobotOpenDeliverModel spaceType IM_ROBOT), cardParamMap values strings only. It answers
   * `{success, result: {outTrackId, deliverResults: [{spaceType, spaceId, success, errorMsg}]}}`:
   * a place the card could not go is `success: false` there, not an HTTP error.
   */
  private createAndDeliver(body: Record<string, unknown>, answer: (status: number, payload: unknown) => void) {
    const outTrackId = body.outTrackId;
    if (typeof outTrackId !== 'string' || !outTrackId)
      return answer(400, { code: 'param.outTrackIdEmpty', message: 'param.outTrackIdEmpty' });
    if (typeof body.cardTemplateId !== 'string' || !body.cardTemplateId)
      return answer(400, { code: 'param.cardTemplateIdEmpty', message: 'param.cardTemplateIdEmpty' });
    if (this.cards.has(outTrackId))
      return answer(400, { code: 'param.cardAlreadyExist', message: 'param.cardAlreadyExist' });
    const params = (body.cardData as { cardParamMap?: Record<string, unknown> } | undefined)?.cardParamMap ?? {};
    if (Object.values(params).some((v) => typeof v !== 'string'))
      return answer(400, { code: 'param.invalid', message: 'cardParamMap values must be strings' });
    const card: DingCard = { create: body, updates: [], spaces: [] };
    const results = this.deliverTo(card, body, answer);
    if (!results) return;
    this.cards.set(outTrackId, card);
    return answer(200, { success: true, result: { outTrackId, deliverResults: results } });
  }

  /**
   * delivery-card-interface: an existing card into more spaces; a space type the card was not created
   * for needs appendSpace first (so a card made without imRobotOpenSpaceModel cannot go 1:1). It
   * answers `{success, result: [{spaceType, spaceId, success, errorMsg}]}`.
   */
  private deliver(body: Record<string, unknown>, answer: (status: number, payload: unknown) => void) {
    const card = typeof body.outTrackId === 'string' ? this.cards.get(body.outTrackId) : undefined;
    if (!card) return answer(400, { code: 'param.cardNotExist', message: 'param.cardNotExist' });
    const results = this.deliverTo(card, body, answer);
    if (results) answer(200, { success: true, result: results });
  }

  private deliverTo(card: DingCard, body: Record<string, unknown>, answer: (status: number, payload: unknown) => void) {
    const open = typeof body.openSpaceId === 'string' ? body.openSpaceId : '';
    if (!open) return void answer(400, { code: 'param.openSpaceIdEmpty', message: 'param.openSpaceIdEmpty' });
    if (!open.startsWith('dtv1.card//'))
      return void answer(400, { code: 'param.openSpaceIdInvalid', message: 'param.openSpaceIdInvalid' });
    const spaces = open
      .slice('dtv1.card//'.length)
      .split(';')
      .filter(Boolean)
      .map((s) => {
        const dot = s.indexOf('.');
        return { type: s.slice(0, dot).toUpperCase(), id: s.slice(dot + 1) };
      });
    const group = body.imGroupOpenDeliverModel as { robotCode?: string } | undefined;
    const robot = body.imRobotOpenDeliverModel as { spaceType?: string } | undefined;
    if (spaces.some((s) => s.type === 'IM_GROUP') && !group?.robotCode)
      return void answer(400, { code: 'param.openDeliverModelEmpty', message: 'param.openDeliverModelEmpty' });
    if (spaces.some((s) => s.type === 'IM_ROBOT') && robot?.spaceType !== 'IM_ROBOT')
      return void answer(400, { code: 'param.openDeliverModelEmpty', message: 'param.openDeliverModelEmpty' });
    const robotSpace = !!card.create.imRobotOpenSpaceModel;
    return spaces.map(({ type, id }) => {
      const why =
        type === 'IM_GROUP'
          ? this.groups.has(id)
            ? undefined
            : 'conversation not found'
          : type === 'IM_ROBOT'
            ? !robotSpace
              ? 'space not supported, appendSpace first'
              : this.knownStaff(id)
                ? undefined
                : 'user not found'
            : 'space type not supported';
      if (!why) card.spaces.push(`${type}.${id}`);
      return { spaceType: type, spaceId: id, success: !why, ...(why ? { errorMsg: why } : {}) };
    });
  }

  private knownStaff(id: string): boolean {
    return /^[\w-]+$/.test(id) && !this.removedStaff.has(id);
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

      // robot-message-type ("Webhook方式"): a session webhook takes the custom robot's bodies (text,
      // markdown, actionCard...) with `at.atUserIds`; PROTOCOLS.md §4.2: an expired one answers 300001.
      if (method === 'POST' && path === '/robot/sendBySession') {
        const session = url.searchParams.get('session') ?? '';
        const expires = this.sessions.get(session);
        if (expires === undefined || expires < Date.now())
          return answer(200, { errcode: 300001, errmsg: 'session is expired' });
        const conversationId = session.replace(/^S\d+-/, '');
        this.sessionMessages.push({ session, conversationId, body });
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

      // obtain-the-access-token-of-an-internal-app: {appKey, appSecret} -> {accessToken, expireIn: 7200}.
      if (method === 'POST' && path === '/v1.0/oauth2/accessToken') {
        if (body.appKey !== DING_CLIENT_ID || body.appSecret !== DING_CLIENT_SECRET) {
          return answer(400, { code: 'invalidClientIdOrSecret', message: '无效的clientId或者clientSecret' });
        }
        const accessToken = `ding-access-${++this.tokenSeq}`;
        this.tokens.add(accessToken);
        return answer(200, { accessToken, expireIn: 7200 });
      }

      if (!path.startsWith('/v1.0/')) return answer(404, { code: 'NotFound', message: `no route ${method} ${path}` });
      const token = req.headers['x-acs-dingtalk-access-token'];
      if (typeof token !== 'string' || !token) {
        return answer(400, {
          code: 'AuthenticationFailed.MissingParameter',
          message: '缺少参数：x-acs-dingtalk-access-token',
        });
      }
      if (!this.tokens.has(token)) {
        return answer(this.staleTokenStatus, { code: 'InvalidAuthentication', message: '不合法的access_token' });
      }
      if (this.limits.delete(path))
        return answer(429, { code: 'Forbidden.AccessDenied.QpsLimitForApi', message: 'qps limit' });

      if (method === 'POST' && path === '/v1.0/card/instances/createAndDeliver')
        return this.createAndDeliver(body, answer);
      if (method === 'POST' && path === '/v1.0/card/instances/deliver') return this.deliver(body, answer);

      // interactive-card-update-interface: PUT /v1.0/card/instances {outTrackId, cardData}.
      if (method === 'PUT' && path === '/v1.0/card/instances') {
        const card = typeof body.outTrackId === 'string' ? this.cards.get(body.outTrackId) : undefined;
        if (!card) return answer(400, { code: 'param.cardNotExist', message: 'param.cardNotExist' });
        card.updates.push(body);
        return answer(200, { success: true });
      }

      // the-robot-sends-a-group-message: {robotCode, openConversationId, msgKey, msgParam} -> {processQueryKey};
      // no `at`. A conversation that is no group the robot is in (a 1:1 chat's id) is refused with 400.
      if (method === 'POST' && path === '/v1.0/robot/groupMessages/send') {
        const bad = this.badRobotMessage(body);
        if (bad) return answer(400, bad);
        const cid = String(body.openConversationId ?? '');
        if (!this.groups.has(cid)) {
          return answer(400, { code: 'invalid.openConversationId', message: '无效的openConversationId' });
        }
        this.groupMessages.push(body);
        return answer(200, { processQueryKey: `q-${++this.seq}` });
      }

      // chatbots-send-one-on-one-chat-messages-in-batches: {robotCode, userIds (at most 20), msgKey, msgParam};
      // its answer (aliyun/dingtalk-sdk robot_1_0 BatchSendOTOResponseBody): processQueryKey,
      // invalidStaffIdList ("无效的用户userId列表") and flowControlledStaffIdList ("推送频繁，被限流的用户userId列表").
      if (method === 'POST' && path === '/v1.0/robot/oToMessages/batchSend') {
        const bad = this.badRobotMessage(body);
        if (bad) return answer(400, bad);
        const userIds = Array.isArray(body.userIds) ? body.userIds.map(String) : [];
        if (!userIds.length) {
          return answer(400, { code: 'invalidParameter.userIds.empty', message: 'The user userId list is empty.' });
        }
        if (userIds.length > 20) {
          return answer(400, { code: 'invalidParameter.userIds.overMax', message: 'userIds exceeds 20' });
        }
        this.privateMessages.push(body);
        const invalid = userIds.filter((u: string) => !this.knownStaff(u));
        const held = userIds.filter((u: string) => this.knownStaff(u) && (this.flowControl.get(u) ?? 0) > 0);
        for (const u of held) this.flowControl.set(u, (this.flowControl.get(u) ?? 1) - 1);
        const param = JSON.parse(String(body.msgParam)) as Record<string, string>;
        for (const staffId of userIds.filter((u: string) => !invalid.includes(u) && !held.includes(u)))
          this.delivered.push({ staffId, msgKey: String(body.msgKey), param });
        return answer(200, {
          processQueryKey: `q-${++this.seq}`,
          ...(invalid.length ? { invalidStaffIdList: invalid } : {}),
          ...(held.length ? { flowControlledStaffIdList: held } : {}),
        });
      }

      return answer(404, { code: 'NotFound', message: `no route ${method} ${path}` });
    });
  }
}

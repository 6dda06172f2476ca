/**
 * The DingTalk OpenAPI calls opsgate makes (api.dingtalk.com, or DINGTALK_API_URL): an access token
 * kept until shortly before it expires (and dropped, then asked for again once, when DingTalk calls it
 * invalid), interactive cards, robot messages to a group or to people 1:1. A failed call throws a
 * DingTalkApiError with DingTalk's code; what reached whom is returned, per recipient.
 */
export interface DingTalkApiOptions {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  robotCode: string;
  fetch?: typeof fetch;
}

/** A call DingTalk refused: its HTTP status and DingTalk's `code` (`InvalidAuthentication`, `param.invalid`). */
export class DingTalkApiError extends Error {
  readonly code: string;
  constructor(
    readonly path: string,
    readonly status: number,
    code: string | undefined,
    detail: string | undefined,
  ) {
    super(`DingTalk ${path} answered ${status}${code ? ` ${code}: ${detail ?? ''}` : ''}`);
    this.name = 'DingTalkApiError';
    this.code = code ?? `HTTP${status}`;
  }
}

/** Where a card goes: a group (`IM_GROUP.openConversationId`), a 1:1 chat with the robot (`IM_ROBOT.userId`). */
export interface CardSpace {
  type: 'IM_GROUP' | 'IM_ROBOT';
  id: string;
}

/** Where a card went, per place (createAndDeliver's `deliverResults`, deliver's `result`). */
export interface SpaceResult extends CardSpace {
  success: boolean;
  errorMsg?: string;
}

/** What a 1:1 batch send did: who DingTalk does not know, and who it held back for now (flow control). */
export interface BatchResult {
  processQueryKey: string;
  invalid: string[];
  flowControlled: string[];
}

/** A robot message: a msgKey of DingTalk's message templates (sampleMarkdown, sampleActionCard...) and its params. */
export interface RobotMessage {
  msgKey: string;
  param: Record<string, string>;
}

/** DingTalk takes at most 20 userIds in one batchSend. */
export const BATCH_MAX = 20;

const openSpaceId = (spaces: CardSpace[]) => `dtv1.card//${spaces.map((s) => `${s.type}.${s.id}`).join(';')}`;

export class DingTalkApi {
  private token?: { value: string; until: number };
  constructor(private readonly o: DingTalkApiOptions) {}

  private async accessToken(): Promise<string> {
    if (this.token && Date.now() < this.token.until) return this.token.value;
    const r = await this.send('POST', '/v1.0/oauth2/accessToken', {
      appKey: this.o.clientId,
      appSecret: this.o.clientSecret,
    });
    const { accessToken, expireIn } = r as { accessToken: string; expireIn: number };
    this.token = { value: accessToken, until: Date.now() + Math.max(60, expireIn - 300) * 1000 };
    return accessToken;
  }

  /**
   * An authenticated call. DingTalk answers a token it no longer takes with `InvalidAuthentication`
   * (HTTP 400, sometimes 401) before its expireIn is over (a secret reset, another process asking
   * for one): the token is dropped and the call made once more with a new one.
   */
  private async call(method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
    try {
      return await this.send(method, path, body, await this.accessToken());
    } catch (err) {
      const stale = err instanceof DingTalkApiError && (err.code === 'InvalidAuthentication' || err.status === 401);
      if (!stale) throw err;
      this.token = undefined;
      return this.send(method, path, body, await this.accessToken());
    }
  }

  private async send(method: string, path: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers['x-acs-dingtalk-access-token'] = token;
    const res = await (this.o.fetch ?? fetch)(`${this.o.apiUrl.replace(/\/+$/, '')}${path}`, {
      method,
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      /* not JSON */
    }
    if (!res.ok) {
      const code = typeof json.code === 'string' ? json.code : undefined;
      throw new DingTalkApiError(path, res.status, code, json.message === undefined ? undefined : String(json.message));
    }
    return json;
  }

  /**
   * An interactive card, calling back over Stream Mode, delivered to each space at once. It can go to
   * people's 1:1 chats later (`deliverCard`): the IM_ROBOT space model is set on every card for that.
   */
  async createAndDeliverCard(card: {
    outTrackId: string;
    templateId: string;
    params: Record<string, string>;
    spaces: CardSpace[];
    /** staffId -> display name: who the group message @-mentions. */
    atUserIds?: Record<string, string>;
  }): Promise<SpaceResult[]> {
    const group = card.spaces.some((s) => s.type === 'IM_GROUP');
    const robot = card.spaces.some((s) => s.type === 'IM_ROBOT');
    const at = card.atUserIds && Object.keys(card.atUserIds).length ? { atUserIds: card.atUserIds } : {};
    const r = await this.call('POST', '/v1.0/card/instances/createAndDeliver', {
      cardTemplateId: card.templateId,
      outTrackId: card.outTrackId,
      cardData: { cardParamMap: card.params },
      callbackType: 'STREAM',
      openSpaceId: openSpaceId(card.spaces),
      imGroupOpenSpaceModel: { supportForward: true },
      imRobotOpenSpaceModel: { supportForward: true },
      ...(group ? { imGroupOpenDeliverModel: { robotCode: this.o.robotCode, ...at } } : {}),
      ...(robot ? { imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: this.o.robotCode } } : {}),
      userIdType: 1,
    });
    const result = (r.result ?? {}) as { deliverResults?: unknown };
    return spaceResults(result.deliverResults, card.spaces);
  }

  /** An existing card into more people's 1:1 chats with the robot. */
  async deliverCard(outTrackId: string, staffIds: string[]): Promise<SpaceResult[]> {
    const spaces = staffIds.map((id): CardSpace => ({ type: 'IM_ROBOT', id }));
    const r = await this.call('POST', '/v1.0/card/instances/deliver', {
      outTrackId,
      openSpaceId: openSpaceId(spaces),
      imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: this.o.robotCode },
      userIdType: 1,
    });
    return spaceResults(r.result, spaces);
  }

  async updateCard(outTrackId: string, params: Record<string, string>): Promise<void> {
    await this.call('PUT', '/v1.0/card/instances', {
      outTrackId,
      cardData: { cardParamMap: params },
      cardUpdateOptions: { updateCardDataByKey: true },
    });
  }

  /** A robot message in a group the robot is in; it @-mentions nobody (the API has no `at`). */
  async sendGroup(conversationId: string, message: RobotMessage): Promise<string> {
    const r = await this.call('POST', '/v1.0/robot/groupMessages/send', {
      robotCode: this.o.robotCode,
      openConversationId: conversationId,
      msgKey: message.msgKey,
      msgParam: JSON.stringify(message.param),
    });
    return String(r.processQueryKey ?? '');
  }

  /** A robot message to each person in their 1:1 chat with the robot, 20 at a time. */
  async sendToUsers(staffIds: string[], message: RobotMessage): Promise<BatchResult> {
    const out: BatchResult = { processQueryKey: '', invalid: [], flowControlled: [] };
    for (let i = 0; i < staffIds.length; i += BATCH_MAX) {
      const r = await this.call('POST', '/v1.0/robot/oToMessages/batchSend', {
        robotCode: this.o.robotCode,
        userIds: staffIds.slice(i, i + BATCH_MAX),
        msgKey: message.msgKey,
        msgParam: JSON.stringify(message.param),
      });
      out.processQueryKey ||= String(r.processQueryKey ?? '');
      out.invalid.push(...strings(r.invalidStaffIdList));
      out.flowControlled.push(...strings(r.flowControlledStaffIdList));
    }
    return out;
  }
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** DingTalk's per-space results, in the order asked; a space it did not answer for counts as not reached. */
function spaceResults(raw: unknown, asked: CardSpace[]): SpaceResult[] {
  const got = (Array.isArray(raw) ? raw : []) as { spaceType?: string; spaceId?: string; success?: boolean }[];
  return asked.map((s) => {
    const r = got.find((g) => String(g.spaceType).toUpperCase() === s.type && g.spaceId === s.id);
    if (!r) return { ...s, success: !got.length };
    const errorMsg = (r as { errorMsg?: unknown }).errorMsg;
    return { ...s, success: r.success === true, ...(r.success ? {} : { errorMsg: String(errorMsg ?? '') }) };
  });
}

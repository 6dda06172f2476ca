/**
 * The DingTalk OpenAPI calls opsgate makes (api.dingtalk.com, or DINGTALK_API_URL): an access
 * token kept until shortly before it expires, interactive cards, robot messages. A failure throws
 * with DingTalk's code and message; the caller's job retries it.
 */
export interface DingTalkApiOptions {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  robotCode: string;
  fetch?: typeof fetch;
}

export class DingTalkApi {
  private token?: { value: string; until: number };
  constructor(private readonly o: DingTalkApiOptions) {}

  private async accessToken(): Promise<string> {
    if (this.token && Date.now() < this.token.until) return this.token.value;
    const r = await this.raw(
      'POST',
      '/v1.0/oauth2/accessToken',
      { appKey: this.o.clientId, appSecret: this.o.clientSecret },
      false,
    );
    const { accessToken, expireIn } = r as { accessToken: string; expireIn: number };
    this.token = { value: accessToken, until: Date.now() + Math.max(60, expireIn - 300) * 1000 };
    return accessToken;
  }

  private async raw(method: string, path: string, body: unknown, auth = true): Promise<unknown> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth) headers['x-acs-dingtalk-access-token'] = await this.accessToken();
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
      if (res.status === 401) this.token = undefined;
      throw new Error(
        `DingTalk ${path} answered ${res.status}` +
          `${json.code ? ` ${String(json.code)}: ${String(json.message ?? '')}` : ''}`,
      );
    }
    return json;
  }

  /** An interactive card in a group, calling back over Stream Mode; approvers @-mentioned. */
  async sendCard(
    conversationId: string,
    outTrackId: string,
    templateId: string,
    params: Record<string, string>,
    atUserIds: string[],
  ): Promise<void> {
    await this.raw('POST', '/v1.0/card/instances/createAndDeliver', {
      cardTemplateId: templateId,
      outTrackId,
      cardData: { cardParamMap: params },
      callbackType: 'STREAM',
      openSpaceId: `dtv1.card//IM_GROUP.${conversationId}`,
      imGroupOpenSpaceModel: { supportForward: true },
      imGroupOpenDeliverModel: {
        robotCode: this.o.robotCode,
        ...(atUserIds.length ? { atUserIds: Object.fromEntries(atUserIds.map((u) => [u, u])) } : {}),
      },
      userIdType: 1,
    });
  }

  async updateCard(outTrackId: string, params: Record<string, string>): Promise<void> {
    await this.raw('PUT', '/v1.0/card/instances', {
      outTrackId,
      cardData: { cardParamMap: params },
      cardUpdateOptions: { updateCardDataByKey: true },
    });
  }

  /** A markdown message from the robot to a group. */
  async sendGroup(conversationId: string, title: string, text: string): Promise<string> {
    const r = await this.raw('POST', '/v1.0/robot/groupMessages/send', {
      robotCode: this.o.robotCode,
      openConversationId: conversationId,
      msgKey: 'sampleMarkdown',
      msgParam: JSON.stringify({ title, text }),
    });
    return String((r as { processQueryKey?: unknown }).processQueryKey ?? '');
  }

  /**
   * An actionCard from the robot to a group: buttons that open URLs (DingTalk's message templates
   * sampleActionCard with one button, sampleActionCard2..5 with two to five).
   */
  async sendActionCard(
    conversationId: string,
    title: string,
    text: string,
    buttons: { title: string; url: string }[],
  ): Promise<string> {
    const n = Math.min(buttons.length, 5);
    const [msgKey, param] =
      n <= 1
        ? [
            'sampleActionCard',
            { title, text, singleTitle: buttons[0]?.title ?? 'Open', singleURL: buttons[0]?.url ?? '' },
          ]
        : [
            `sampleActionCard${n}`,
            {
              title,
              text,
              ...Object.fromEntries(
                buttons.slice(0, n).flatMap((b, i) => [
                  [`actionTitle${i + 1}`, b.title],
                  [`actionURL${i + 1}`, b.url],
                ]),
              ),
            },
          ];
    const r = await this.raw('POST', '/v1.0/robot/groupMessages/send', {
      robotCode: this.o.robotCode,
      openConversationId: conversationId,
      msgKey,
      msgParam: JSON.stringify(param),
    });
    return String((r as { processQueryKey?: unknown }).processQueryKey ?? '');
  }

  /** A markdown message from the robot to one person (private answers to card clicks). */
  async sendToUser(staffId: string, title: string, text: string): Promise<void> {
    await this.raw('POST', '/v1.0/robot/oToMessages/batchSend', {
      robotCode: this.o.robotCode,
      userIds: [staffId],
      msgKey: 'sampleMarkdown',
      msgParam: JSON.stringify({ title, text }),
    });
  }
}

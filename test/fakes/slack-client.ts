import { createHmac } from 'node:crypto';

/** Sends requests to a Bolt endpoint as Slack does: signed over the exact raw body. */
export class SlackSender {
  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly fakeBase: string,
  ) {}

  sign(body: string, ts = Math.floor(Date.now() / 1000)): Record<string, string> {
    const sig = `v0=${createHmac('sha256', this.secret).update(`v0:${ts}:${body}`).digest('hex')}`;
    return { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig };
  }

  async post(
    body: string,
    headers: Record<string, string> = this.sign(body),
  ): Promise<{ status: number; text: string }> {
    // Bolt parses a form only when the content type is exactly this (no charset); events are JSON.
    const r = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
    return { status: r.status, text: await r.text() };
  }

  slashBody(user: string, text: string, channel = 'C0001'): string {
    return new URLSearchParams({
      token: 'legacy',
      team_id: 'T0001',
      team_domain: 'fake',
      channel_id: channel,
      channel_name: 'ops',
      user_id: user,
      user_name: user.toLowerCase(),
      command: '/opsgate',
      text,
      api_app_id: 'A0001',
      is_enterprise_install: 'false',
      response_url: `${this.fakeBase}/response/T0001/${Date.now()}/cmd`,
      trigger_id: '1111.2222.abcd',
    }).toString();
  }

  command(user: string, text: string, channel?: string) {
    return this.post(this.slashBody(user, text, channel));
  }

  buttonBody(
    user: string,
    actionId: 'approve' | 'reject',
    value: string,
    message: { channel: string; ts: string },
  ): string {
    return `payload=${encodeURIComponent(
      JSON.stringify({
        type: 'block_actions',
        api_app_id: 'A0001',
        token: 'legacy',
        trigger_id: '3333.4444.efgh',
        response_url: `${this.fakeBase}/response/T0001/${Date.now()}/act`,
        user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T0001' },
        team: { id: 'T0001', domain: 'fake' },
        enterprise: null,
        is_enterprise_install: false,
        container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
        channel: { id: message.channel, name: 'ops' },
        message: { type: 'message', ts: message.ts, text: 'approval', bot_id: 'BBOT', user: 'UBOT', blocks: [] },
        state: { values: {} },
        actions: [
          {
            type: 'button',
            action_id: actionId,
            block_id: `approval-${value}`,
            value,
            text: { type: 'plain_text', text: actionId },
            action_ts: String(Date.now() / 1000),
          },
        ],
      }),
    )}`;
  }

  click(user: string, actionId: 'approve' | 'reject', value: string, message: { channel: string; ts: string }) {
    return this.post(this.buttonBody(user, actionId, value, message));
  }
}

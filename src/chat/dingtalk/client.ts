import { DWClient } from 'dingtalk-stream';

/**
 * dingtalk-stream's client with a gateway URL of our choosing (DINGTALK_GATEWAY_URL: tests,
 * proxies). The SDK hard-codes the gateway; overriding getEndpoint, a public method, is the seam
 * its own tests use.
 */
export class GatewayClient extends DWClient {
  constructor(
    config: ConstructorParameters<typeof DWClient>[0],
    private readonly gatewayUrl?: string,
  ) {
    super(config);
  }

  /** The SDK parses every frame unguarded: a malformed one must not bring the bot down. */
  override onDownStream(data: unknown): void {
    try {
      super.onDownStream(data as string);
    } catch (err) {
      this.emit('bad-frame', err);
    }
  }

  override async getEndpoint(): Promise<this> {
    if (!this.gatewayUrl) return super.getEndpoint();
    const { clientId, clientSecret, ua, subscriptions } = this.config;
    const r = await fetch(this.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ clientId, clientSecret, ua: ua ?? '', subscriptions }),
      signal: AbortSignal.timeout(10_000),
    });
    const { endpoint, ticket } = (await r.json().catch(() => ({}))) as { endpoint?: string; ticket?: string };
    // i18n-exempt: the SDK logs it and reconnects; operators read it in the log
    if (!r.ok || !endpoint || !ticket) throw new Error(`DingTalk gateway answered ${r.status} without an endpoint`);
    (this as unknown as { dw_url: string }).dw_url = `${endpoint}?ticket=${ticket}`;
    return this;
  }
}

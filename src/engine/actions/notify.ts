import type { Action } from './types.js';

/**
 * ACS::Notify with NotifyType WebHook: POSTs Content (JSON) to WebHook.URI with its Headers.
 * DingTalk robots answer HTTP 200 with an errcode: a non-zero errcode fails the task too.
 */
export const notify: Action = {
  async run({ properties, ports }) {
    const type = String(properties.NotifyType ?? 'WebHook');
    if (type !== 'WebHook') return { kind: 'failed', message: `NotifyType ${type} is not supported yet (WebHook is)` };
    const hook = (properties.WebHook ?? {}) as { URI?: unknown; Headers?: Record<string, unknown>; Content?: unknown };
    let url: URL;
    try { url = new URL(String(hook.URI)); } catch { return { kind: 'failed', message: 'WebHook.URI must be a URL' }; }
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    for (const [k, v] of Object.entries(hook.Headers ?? {})) headers[k.toLowerCase()] = String(v);
    let res: Response;
    try {
      res = await ports.fetch(url, { method: 'POST', headers, body: typeof hook.Content === 'string' ? hook.Content : JSON.stringify(hook.Content ?? {}), signal: AbortSignal.timeout(15_000) });
    } catch (err) {
      return { kind: 'failed', message: `WebHook ${url.host}: ${(err as Error).message}` };
    }
    const text = await res.text();
    let body: unknown = text;
    try { body = JSON.parse(text); } catch { /* not JSON */ }
    const errcode = (body as { errcode?: unknown } | null)?.errcode;
    if (res.status >= 400) return { kind: 'failed', message: `WebHook ${url.host} answered ${res.status}` };
    if (errcode !== undefined && errcode !== 0) return { kind: 'failed', message: `WebHook ${url.host} answered errcode ${String(errcode)}: ${String((body as { errmsg?: unknown }).errmsg ?? '')}` };
    return { kind: 'success', result: { StatusCode: res.status, Body: body } };
  },
};

import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One request the fake received: RPC Action (or `ROA METHOD /path`), its parameters, and whether it was signed
 * right.
 */
export interface AlibabaCall {
  action: string;
  params: Record<string, string>;
  method: string;
  signatureOk: boolean;
}

export interface FakeInstance {
  InstanceId: string;
  InstanceName: string;
  RegionId: string;
  ZoneId: string;
  Status: string;
  InstanceType: string;
  OSType: string;
  ResourceGroupId: string;
  Tags: { Tag: Array<{ TagKey: string; TagValue: string }> };
}

type Answer = { status: number; body: Record<string, unknown> };

/** Codes that mean the request was not signed right (as opposed to expired, replayed or refused later). */
const AUTH_CODES = new Set([
  'MissingParameter',
  'IncompleteSignature',
  'InvalidAccessKeyId.NotFound',
  'InvalidSignatureMethod',
  'SignatureDoesNotMatch',
]);

/**
 * A loopback Alibaba Cloud OpenAPI that answers as the real one does: RPC requests (query or form
 * body) signed with HMAC-SHA1 are checked against the known secret, and a small ECS answers
 * DescribeInstances, DescribeInstanceAttribute and Stop/Start/RebootInstance. Status changes take
 * `settleAfter` reads to finish, so a WaitFor has to poll. One ROA route (CS DescribeClusterDetail,
 * GET /clusters/{id}) checks the `acs` Authorization header. Signatures are recomputed here with
 * node:crypto alone, not with src/cloud/sign.ts, so the client is checked against a second reading.
 */
export class FakeAlibabaApi {
  readonly accessKeyId = 'LTAItestkeyid';
  readonly accessKeySecret = 'test-secret-value';
  readonly calls: AlibabaCall[] = [];
  readonly instances = new Map<string, FakeInstance>();
  /** Reads (Describe*) that still show a transitional status before it becomes the target. */
  settleAfter = 2;
  private readonly pending = new Map<string, { to: string; reads: number }>();
  private readonly injected: Answer[] = [];
  private readonly nonces = new Set<string>();
  private server?: Server;
  base = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => this.handle(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  addInstance(i: Partial<FakeInstance> & { InstanceId: string; tags?: Record<string, string> }): FakeInstance {
    const { tags, ...rest } = i;
    const inst: FakeInstance = {
      InstanceName: i.InstanceId,
      RegionId: 'cn-hangzhou',
      ZoneId: 'cn-hangzhou-h',
      Status: 'Running',
      InstanceType: 'ecs.g7.large',
      OSType: 'linux',
      ResourceGroupId: 'rg-default',
      Tags: { Tag: Object.entries(tags ?? {}).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) },
      ...rest,
    };
    this.instances.set(inst.InstanceId, inst);
    return inst;
  }

  /** The next call answers this API error (after its signature is checked, as the real API does). */
  failNext(
    code = 'InvalidInstanceId.NotFound',
    message = 'The specified InstanceId does not exist.',
    status = 404,
  ): void {
    this.injected.push({ status, body: { Code: code, Message: message } });
  }

  /** The next `times` calls are throttled. */
  throttleNext(times = 1, status = 400): void {
    for (let i = 0; i < times; i++)
      this.injected.push({
        status,
        body: { Code: 'Throttling.User', Message: 'Request was denied due to user flow control.' },
      });
  }

  of(action: string): Record<string, string>[] {
    return this.calls.filter((c) => c.action === action).map((c) => c.params);
  }

  private handle(req: IncomingMessage, raw: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const reply = ({ status, body }: Answer) => {
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify({ RequestId: randomUUID().toUpperCase(), ...body }));
    };
    if (url.pathname !== '/') {
      reply(this.roa(req, url));
      return;
    }
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      Object.assign(params, Object.fromEntries(new URLSearchParams(raw)));
    const problem = this.authenticate(req.method ?? 'GET', params);
    const signatureOk = !problem || !AUTH_CODES.has(String(problem.body.Code));
    this.calls.push({ action: params.Action ?? '', params, method: req.method ?? 'GET', signatureOk });
    if (problem) {
      reply(problem);
      return;
    }
    const injected = this.injected.shift();
    if (injected) {
      reply(injected);
      return;
    }
    reply(this.ecs(params));
  }

  /** The checks the gateway makes before any API runs, with the real codes. */
  private authenticate(method: string, params: Record<string, string>): Answer | undefined {
    const { Signature, ...signed } = params;
    for (const p of [
      'AccessKeyId',
      'Action',
      'Version',
      'SignatureMethod',
      'SignatureVersion',
      'SignatureNonce',
      'Timestamp',
    ]) {
      if (!params[p])
        return {
          status: 400,
          body: {
            Code: 'MissingParameter',
            Message: `The input parameter "${p}" that is mandatory for processing this request is not supplied.`,
          },
        };
    }
    if (!Signature)
      return {
        status: 400,
        body: { Code: 'IncompleteSignature', Message: 'The request signature does not conform to Aliyun standards.' },
      };
    if (params.AccessKeyId !== this.accessKeyId)
      return {
        status: 404,
        body: { Code: 'InvalidAccessKeyId.NotFound', Message: 'Specified access key is not found.' },
      };
    if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0')
      return {
        status: 400,
        body: { Code: 'InvalidSignatureMethod', Message: 'Specified signature method is not valid.' },
      };
    const stringToSign = `${method}&%2F&${enc(
      Object.keys(signed)
        .sort()
        .map((k) => `${enc(k)}=${enc(signed[k]!)}`)
        .join('&'),
    )}`;
    const expected = createHmac('sha1', `${this.accessKeySecret}&`).update(stringToSign).digest('base64');
    if (expected !== Signature) {
      return {
        status: 400,
        body: {
          Code: 'SignatureDoesNotMatch',
          Message: `Specified signature is not matched with our calculation. server string to sign is:${stringToSign}`,
        },
      };
    }
    if (
      !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(params.Timestamp!) ||
      Math.abs(Date.parse(params.Timestamp!) - Date.now()) > 15 * 60_000
    ) {
      return {
        status: 400,
        body: { Code: 'InvalidTimeStamp.Expired', Message: 'Specified time stamp or date value is expired.' },
      };
    }
    if (this.nonces.has(params.SignatureNonce!))
      return {
        status: 400,
        body: { Code: 'SignatureNonceUsed', Message: 'Specified signature nonce was used already.' },
      };
    this.nonces.add(params.SignatureNonce!);
    if (params.Format !== 'JSON')
      return { status: 400, body: { Code: 'InvalidParameter', Message: 'this fake answers Format=JSON only' } };
    return undefined;
  }

  private ecs(p: Record<string, string>): Answer {
    if (p.Version !== '2014-05-26')
      return { status: 400, body: { Code: 'InvalidVersion', Message: 'Specified parameter Version is not valid.' } };
    switch (p.Action) {
      case 'DescribeInstances':
        return this.describeInstances(p);
      case 'DescribeInstanceAttribute': {
        const inst = this.instances.get(p.InstanceId ?? '');
        return inst ? { status: 200, body: { ...this.read(inst) } } : notFound();
      }
      case 'StopInstance':
        return this.change(p, 'Running', 'Stopping', 'Stopped');
      case 'StartInstance':
        return this.change(p, 'Stopped', 'Starting', 'Running');
      case 'RebootInstance':
        return this.change(p, 'Running', 'Starting', 'Running');
      default:
        return {
          status: 404,
          body: {
            Code: 'InvalidAction.NotFound',
            Message: 'Specified api is not found, please check your url and method.',
          },
        };
    }
  }

  private describeInstances(p: Record<string, string>): Answer {
    if (!p.RegionId)
      return { status: 400, body: { Code: 'MissingRegionId', Message: 'RegionId is mandatory for this action.' } };
    let list = [...this.instances.values()].filter((i) => i.RegionId === p.RegionId);
    if (p.InstanceIds !== undefined) {
      let ids: unknown;
      try {
        ids = JSON.parse(p.InstanceIds);
      } catch {
        ids = undefined;
      }
      if (!Array.isArray(ids)) return invalid('InstanceIds', 'The specified parameter "InstanceIds" is not valid.');
      if (ids.length > 100)
        return invalid('InstanceIds', 'The specified parameter "InstanceIds" exceeds the maximum of 100.');
      list = list.filter((i) => ids.includes(i.InstanceId));
    }
    for (let n = 1; p[`Tag.${n}.Key`] !== undefined; n++) {
      const key = p[`Tag.${n}.Key`];
      const value = p[`Tag.${n}.Value`];
      list = list.filter((i) =>
        i.Tags.Tag.some((t) => t.TagKey === key && (value === undefined || t.TagValue === value)),
      );
    }
    if (p.ResourceGroupId) list = list.filter((i) => i.ResourceGroupId === p.ResourceGroupId);
    const tokenPaging = p.NextToken !== undefined || p.MaxResults !== undefined;
    const size = Number(tokenPaging ? (p.MaxResults ?? 10) : (p.PageSize ?? 10));
    if (!Number.isInteger(size) || size < 1 || size > 100)
      return invalid(tokenPaging ? 'MaxResults' : 'PageSize', 'The page size is out of range [1, 100].');
    const start = tokenPaging
      ? p.NextToken
        ? Number(Buffer.from(p.NextToken, 'base64url').toString())
        : 0
      : (Number(p.PageNumber ?? 1) - 1) * size;
    if (!Number.isInteger(start) || start < 0) return invalid('NextToken', 'The specified NextToken is not valid.');
    const page = list.slice(start, start + size);
    const more = start + size < list.length;
    return {
      status: 200,
      body: {
        TotalCount: list.length,
        PageSize: size,
        PageNumber: Math.floor(start / size) + 1,
        NextToken: tokenPaging && more ? Buffer.from(String(start + size)).toString('base64url') : '',
        Instances: { Instance: page.map((i) => this.read(i)) },
      },
    };
  }

  /** An instance as a Describe call sees it, moving a pending status change one read on. */
  private read(inst: FakeInstance): FakeInstance {
    const change = this.pending.get(inst.InstanceId);
    if (change) {
      if (change.reads <= 0) {
        inst.Status = change.to;
        this.pending.delete(inst.InstanceId);
      } else change.reads--;
    }
    return structuredClone(inst);
  }

  private change(p: Record<string, string>, from: string, via: string, to: string): Answer {
    const inst = this.instances.get(p.InstanceId ?? '');
    if (!inst) return notFound();
    if (inst.Status !== from)
      return {
        status: 403,
        body: {
          Code: 'IncorrectInstanceStatus',
          Message: 'The current status of the resource does not support this operation.',
        },
      };
    inst.Status = via;
    this.pending.set(inst.InstanceId, { to, reads: this.settleAfter });
    return { status: 200, body: {} };
  }

  /** CS-style ROA: `Authorization: acs AK:signature` over the method, content headers, x-acs-* headers and path. */
  private roa(req: IncomingMessage, url: URL): Answer {
    const h = req.headers as Record<string, string | undefined>;
    const acs = Object.keys(h)
      .filter((k) => k.startsWith('x-acs-'))
      .sort()
      .map((k) => `${k}:${h[k]!.trim()}\n`)
      .join('');
    const keys = [...url.searchParams.keys()].sort();
    const resource = keys.length
      ? `${url.pathname}?${keys.map((k) => `${k}=${url.searchParams.get(k)}`).join('&')}`
      : url.pathname;
    const toSign =
      `${req.method}\n${h.accept ?? ''}\n${h['content-md5'] ?? ''}\n${h['content-type'] ?? ''}\n` +
      `${h.date ?? ''}\n${acs}${resource}`;
    const expected =
      `acs ${this.accessKeyId}:` + `${createHmac('sha1', this.accessKeySecret).update(toSign).digest('base64')}`;
    const signatureOk = h.authorization === expected;
    this.calls.push({
      action: `ROA ${req.method} ${url.pathname}`,
      params: Object.fromEntries(url.searchParams),
      method: req.method ?? 'GET',
      signatureOk,
    });
    if (!signatureOk)
      return {
        status: 400,
        body: {
          code: 'SignatureDoesNotMatch',
          message: `Specified signature is not matched with our calculation. server string to sign is:${toSign}`,
        },
      };
    const m = /^\/clusters\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && m)
      return { status: 200, body: { cluster_id: m[1], state: 'running', region_id: h['x-acs-region-id'] } };
    return { status: 404, body: { code: 'NotFound', message: `no route ${req.method} ${url.pathname}` } };
  }
}

function enc(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function notFound(): Answer {
  return {
    status: 404,
    body: { Code: 'InvalidInstanceId.NotFound', Message: 'The specified InstanceId does not exist.' },
  };
}

function invalid(param: string, message: string): Answer {
  return { status: 400, body: { Code: `InvalidParameter.${param}`, Message: message } };
}

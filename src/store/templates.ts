import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Redis } from 'ioredis';
import { OpsgateError, TemplateInvalidError, TemplateNotFoundError, type TemplateProblem } from '../errors.js';
import { type Msg, msg, render, t } from '../i18n/index.js';
import { parseTemplate } from '../engine/parse.js';
import type { TemplateFormat } from '../template/parse.js';
import { isStateTemplate, type AnyTemplate, type Template } from '../template/schema.js';
import type { Keys } from './keys.js';
import { runScript } from './scripts.js';

/** A template problem whose message is from the catalogue (its English kept as `message`). */
const problem = (path: string, text: Msg): TemplateProblem => ({ path, message: render(text, 'en'), text });

export const TEMPLATE_NAME = /^[A-Za-z0-9_-]{1,200}$/;
/** Names of Alibaba Cloud's own templates; users may not create templates named so. */
export const PRODUCT_ACTION = /^ACS::[A-Za-z0-9]+::[A-Za-z0-9_-]+$/;
export const RESERVED_PREFIX = /^(ALIYUN|ACS|ALIBABA|ALICLOUD)/i;
const MAX_CONTENT = 64 * 1024;
export const MAX_VERSIONS = 200;

interface VersionRecord {
  hash: string;
  content: string;
  format: TemplateFormat;
  versionName: string;
  createdBy: string;
  createdDate: string;
}

export interface TemplateMeta {
  templateId: string;
  createdBy: string;
  createdDate: string;
  updatedBy: string;
  updatedDate: string;
  shareType: 'Private' | 'Public';
  tags: Record<string, string>;
  resourceGroupId?: string;
  /** 'file': loaded from OPSGATE_TEMPLATES, read-only through the API. */
  source?: 'file' | 'api';
}

export interface StoredTemplate extends VersionRecord {
  name: string;
  version: string;
  template: AnyTemplate;
  meta: TemplateMeta;
  executionCount: number;
}

export type PutMode = 'create' | 'update' | 'upsert';

/** OOS dates: second precision, Z. */
export const oosDate = (d = new Date()) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Templates by name, each with versions v1..v200, the SHA-256 of each version, and OOS metadata. */
export class TemplateStore {
  private readonly parsed = new Map<string, AnyTemplate>();
  private readonly versionCache = new Map<string, StoredTemplate & { template: Template }>();
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /**
   * Stores content as the next version of `name`; the same content as the latest makes no version.
   * 'create' refuses an existing name, 'update' a missing one.
   */
  async put(
    name: string,
    content: string,
    opts: {
      mode?: PutMode;
      by?: string;
      versionName?: string;
      tags?: Record<string, string>;
      resourceGroupId?: string;
      reservedNames?: boolean;
      source?: 'file' | 'api';
      /** Templates an Action may name; default: those in the store, and this one. */
      knownTemplates?: ReadonlySet<string>;
    } = {},
  ): Promise<StoredTemplate & { created: boolean }> {
    const { mode = 'upsert', by = 'opsgate' } = opts;
    // Product actions (ACS::ECS::RebootInstance) are templates named as the action they stand for.
    const productAction = opts.reservedNames && PRODUCT_ACTION.test(name);
    if (!TEMPLATE_NAME.test(name) && !productAction)
      throw new OpsgateError('InvalidParameter', msg('core:templateNameInvalid', { name: JSON.stringify(name) }));
    if (!opts.reservedNames && RESERVED_PREFIX.test(name))
      throw new OpsgateError('InvalidParameter', msg('core:templateNameReserved', { name }));
    if (Buffer.byteLength(content) > MAX_CONTENT)
      throw new OpsgateError('InvalidParameter', msg('core:templateTooLarge', { name }));
    const knownTemplates = opts.knownTemplates ?? new Set([...(await this.names()), name]);
    const { template, format } = parseTemplate(content, name, { knownTemplates });
    const hash = createHash('sha256').update(content).digest('hex');
    const now = oosDate();
    const reserved = RESERVED_PREFIX.test(name);
    const meta: TemplateMeta = {
      templateId: `t-${randomBytes(10).toString('hex')}`,
      createdBy: reserved ? 'ACS' : by,
      createdDate: now,
      updatedBy: reserved ? 'ACS' : by,
      updatedDate: now,
      shareType: reserved ? 'Public' : 'Private',
      tags: opts.tags ?? {},
      ...(opts.resourceGroupId ? { resourceGroupId: opts.resourceGroupId } : {}),
      source: opts.source ?? 'api',
    };
    const record: VersionRecord = {
      hash,
      content,
      format,
      versionName: opts.versionName ?? '',
      createdBy: meta.updatedBy,
      createdDate: now,
    };
    const [outcome, n] = await runScript<[string, number]>(
      this.redis,
      'template-put',
      [this.keys.template(name)],
      [
        mode,
        hash,
        JSON.stringify(record),
        JSON.stringify(meta),
        meta.updatedBy,
        now,
        MAX_VERSIONS,
        opts.tags ? JSON.stringify(opts.tags) : '',
        opts.source === 'file' ? 'file' : '',
      ],
    );
    if (outcome === 'exists')
      throw new OpsgateError('EntityAlreadyExists.Template', msg('core:templateExists', { name }), 409);
    if (outcome === 'missing') throw new TemplateNotFoundError(name);
    if (outcome === 'full')
      throw new OpsgateError(
        'LimitExceeded.TemplateVersion',
        msg('core:templateVersionsFull', { name, max: MAX_VERSIONS }),
        409,
      );
    await this.redis.sadd(this.keys.templates, name);
    this.parsed.set(hash, template);
    return { ...(await this.get(name, `v${n}`)), created: outcome === 'created' };
  }

  async get(name: string, version?: string): Promise<StoredTemplate> {
    const key = this.keys.template(name);
    const latest = Number(await this.redis.hget(key, 'latest'));
    const n = version ? Number(/^v(\d{1,3})$/.exec(version)?.[1]) : latest;
    const [raw, meta, count] = n ? await this.redis.hmget(key, `v${n}`, 'meta', 'executions') : [null, null, null];
    if (!raw || !meta) throw new TemplateNotFoundError(name, version);
    const record = JSON.parse(raw) as VersionRecord;
    let template = this.parsed.get(record.hash);
    if (!template) {
      template = parseTemplate(record.content, name).template;
      this.parsed.set(record.hash, template);
    }
    return {
      ...record,
      name,
      version: `v${n}`,
      template,
      meta: JSON.parse(meta) as TemplateMeta,
      executionCount: Number(count ?? 0),
    };
  }

  /** A template that can run (not a State template). A named version never changes: it is cached. */
  async runnable(name: string, version?: string): Promise<StoredTemplate & { template: Template }> {
    const key = version ? `${name}@${version}` : undefined;
    const cached = key ? this.versionCache.get(key) : undefined;
    if (cached) return cached;
    const stored = await this.get(name, version);
    if (isStateTemplate(stored.template))
      throw new TemplateInvalidError([problem('FormatVersion', msg('core:stateTemplateNotRun'))], name);
    if (key) {
      if (this.versionCache.size >= 1000) this.versionCache.delete(this.versionCache.keys().next().value!);
      this.versionCache.set(key, stored as StoredTemplate & { template: Template });
    }
    return stored as StoredTemplate & { template: Template };
  }

  async versions(name: string): Promise<number> {
    return Number(await this.redis.hget(this.keys.template(name), 'latest'));
  }

  async delete(name: string): Promise<void> {
    for (const key of this.versionCache.keys()) if (key.startsWith(`${name}@`)) this.versionCache.delete(key);
    if (!(await this.redis.del(this.keys.template(name)))) throw new TemplateNotFoundError(name);
    await this.redis.srem(this.keys.templates, name);
  }

  async countExecution(name: string): Promise<void> {
    await this.redis.hincrby(this.keys.template(name), 'executions', 1);
  }

  async names(): Promise<string[]> {
    return (await this.redis.smembers(this.keys.templates)).sort();
  }

  /** Every template at its latest version. */
  async all(): Promise<StoredTemplate[]> {
    const found = await Promise.all((await this.names()).map((n) => this.get(n).catch(() => undefined)));
    return found.filter((t): t is StoredTemplate => !!t);
  }

  /**
   * Loads every .yaml/.yml/.json file of the folders, named by file name. A bad template is
   * reported and skipped: one broken file must not keep the others from loading.
   */
  async loadFolders(
    folders: string[],
  ): Promise<{ loaded: StoredTemplate[]; failed: { file: string; error: string }[] }> {
    const loaded: StoredTemplate[] = [];
    const failed: { file: string; error: string }[] = [];
    const files: string[] = [];
    for (const folder of folders) {
      try {
        files.push(
          ...(statSync(folder).isDirectory()
            ? readdirSync(folder)
                .sort()
                .map((f) => join(folder, f))
            : [folder]
          ).filter((f) => ['.yaml', '.yml', '.json'].includes(extname(f))),
        );
      } catch {
        failed.push({ file: folder, error: t('en', 'core:noSuchFolder') }); // logged at start-up: English
      }
    }
    const nameOf = (file: string) => basename(file, extname(file));
    // A template may name another loaded later, as its Action.
    const knownTemplates = new Set([...(await this.names()), ...files.map(nameOf)]);
    for (const file of files) {
      try {
        loaded.push(
          await this.put(nameOf(file), readFileSync(file, 'utf8'), {
            reservedNames: true,
            knownTemplates,
            source: 'file',
          }),
        );
      } catch (err) {
        failed.push({ file, error: (err as Error).message });
      }
    }
    return { loaded, failed };
  }
}

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Redis } from 'ioredis';
import { OpsgateError, TemplateNotFoundError } from '../errors.js';
import { parseTemplate, type TemplateFormat } from '../template/parse.js';
import type { Template } from '../template/schema.js';
import type { Keys } from './keys.js';
import { runScript } from './scripts.js';

export const TEMPLATE_NAME = /^[A-Za-z0-9_-]{1,200}$/;
const MAX_CONTENT = 64 * 1024;

interface VersionRecord {
  hash: string;
  content: string;
  format: TemplateFormat;
  createdBy: string;
  createdDate: string;
}

export interface StoredTemplate extends VersionRecord {
  name: string;
  version: string;
  template: Template;
}

/** Templates by name, each with versions v1, v2, ... and the SHA-256 of each version's content. */
export class TemplateStore {
  private readonly parsed = new Map<string, Template>();
  constructor(private readonly redis: Redis, private readonly keys: Keys) {}

  /** Stores content as the next version of `name`; the same content as the latest makes no version. */
  async put(name: string, content: string, createdBy = 'opsgate'): Promise<StoredTemplate & { created: boolean }> {
    if (!TEMPLATE_NAME.test(name)) throw new OpsgateError('InvalidParameter', `template name ${JSON.stringify(name)} must be 1-200 letters, digits, - or _`);
    if (Buffer.byteLength(content) > MAX_CONTENT) throw new OpsgateError('InvalidParameter', `template ${name} is larger than 64 KB`);
    const { template, format } = parseTemplate(content, name);
    const hash = createHash('sha256').update(content).digest('hex');
    const record: VersionRecord = { hash, content, format, createdBy, createdDate: new Date().toISOString() };
    const [n, created] = await runScript<[number, number]>(this.redis, 'template-put', [this.keys.template(name)], [hash, JSON.stringify(record)]);
    await this.redis.sadd(this.keys.templates, name);
    this.parsed.set(hash, template);
    const stored = created ? record : await this.record(name, n);
    return { ...stored!, name, version: `v${n}`, template, created: created === 1 };
  }

  async get(name: string, version?: string): Promise<StoredTemplate> {
    const n = version ? Number(/^v(\d+)$/.exec(version)?.[1]) : Number(await this.redis.hget(this.keys.template(name), 'latest'));
    const record = n ? await this.record(name, n) : undefined;
    if (!record) throw new TemplateNotFoundError(name, version);
    let template = this.parsed.get(record.hash);
    if (!template) this.parsed.set(record.hash, (template = parseTemplate(record.content, name).template));
    return { ...record, name, version: `v${n}`, template };
  }

  async names(): Promise<string[]> {
    return (await this.redis.smembers(this.keys.templates)).sort();
  }

  private async record(name: string, n: number): Promise<VersionRecord | undefined> {
    const raw = await this.redis.hget(this.keys.template(name), `v${n}`);
    return raw ? (JSON.parse(raw) as VersionRecord) : undefined;
  }

  /**
   * Loads every .yaml/.yml/.json file of the folders, named by file name. A bad template is
   * reported and skipped: one broken file must not keep the others from loading.
   */
  async loadFolders(folders: string[]): Promise<{ loaded: StoredTemplate[]; failed: { file: string; error: string }[] }> {
    const loaded: StoredTemplate[] = [];
    const failed: { file: string; error: string }[] = [];
    for (const folder of folders) {
      let files: string[];
      try {
        files = statSync(folder).isDirectory() ? readdirSync(folder).sort().map((f) => join(folder, f)) : [folder];
      } catch {
        failed.push({ file: folder, error: 'no such file or folder' });
        continue;
      }
      for (const file of files.filter((f) => ['.yaml', '.yml', '.json'].includes(extname(f)))) {
        try {
          loaded.push(await this.put(basename(file, extname(file)), readFileSync(file, 'utf8')));
        } catch (err) {
          failed.push({ file, error: (err as Error).message });
        }
      }
    }
    return { loaded, failed };
  }
}

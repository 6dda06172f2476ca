import { readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { isTimeZone, LOCALES, type Locale, msg, toLocale } from '../i18n/index.js';
import { verbatim } from '../template/problem.js';
import { said } from '../template/said.js';
import { zodText } from '../template/zod-problems.js';
import type { Platform } from './platforms.js';

/** What the directory says of a person besides their ids on the chat platforms. */
const personShape = {
  email: z.string().optional(),
  mobile: z.string().optional(),
  manager: z.string().optional(),
  groups: z.array(z.string()).default([]),
  /** The language they read opsgate in (`zh-CN`, `en`); absent: their platform's, else OPSGATE_LOCALE. */
  locale: z
    .string()
    .refine((v) => toLocale(v) !== undefined, {
      error: said(msg('config:mustBeLocale', { locales: LOCALES.join(', ') })),
    })
    .transform((v) => toLocale(v)!)
    .optional(),
  /** The IANA time zone they read times in (`Asia/Shanghai`); absent: OPSGATE_TIMEZONE. */
  timezone: z
    .string()
    .refine(isTimeZone, { error: said(msg('config:mustBeTimeZone')) })
    .optional(),
};

/**
 * People and groups: who may approve, and how each is known on every chat platform. A user's keys are
 * the fields above and one per people platform of the registry (`slack: U0001`); any other is refused.
 */
function fileSchema(people: readonly Platform[]) {
  const idShape = Object.fromEntries(people.map((p) => [p, z.string().optional()]));
  const userSchema = z
    .object({ ...idShape, ...personShape })
    .strict()
    .transform(({ email, mobile, manager, groups, locale, timezone, ...rest }): Person => {
      const given: Readonly<Record<string, unknown>> = rest;
      const ids = people.flatMap((p) => {
        const id = given[p];
        return typeof id === 'string' ? [[p, id] as const] : [];
      });
      return { ids: Object.fromEntries(ids), email, mobile, manager, groups, locale, timezone };
    });
  return z
    .object({
      users: z
        .record(
          z.string(),
          userSchema.nullable().transform((u) => u ?? { ids: {}, groups: [] }),
        )
        .default({}),
      groups: z.record(z.string(), z.array(z.string())).default({}),
    })
    .strict();
}

type Person = Omit<DirectoryUser, 'name'>;
type DirectoryFile = z.output<ReturnType<typeof fileSchema>>;

/** A directory as its file holds it: per user, the fields above and `PLATFORM: id` (`slack: U0001`). */
export interface DirectoryData {
  users?: Record<string, (z.input<z.ZodObject<typeof personShape>> & Record<string, unknown>) | null>;
  groups?: Record<string, string[]>;
}

export interface DirectoryUser {
  name: string;
  /** Their id on each people platform the directory lists them on: `ids.slack`, `ids.dingtalk`. */
  ids: Readonly<Record<Platform, string>>;
  email?: string;
  mobile?: string;
  manager?: string;
  groups: string[];
  locale?: Locale;
  timezone?: string;
}

export class Directory {
  private byName = new Map<string, DirectoryUser>();
  private byPlatformId = new Map<string, DirectoryUser>();
  private groups = new Map<string, Set<string>>();
  private file?: { path: string; mtimeMs: number };
  private readonly schema: ReturnType<typeof fileSchema>;

  /** `people`: the platforms whose ids a user may carry, from the registry (src/bin/config.ts). */
  constructor(data: DirectoryData = {}, people: readonly Platform[] = []) {
    const clash = people.find((p) => p in personShape || p === 'name');
    if (clash) throw new ConfigError(msg('config:platformClashesWithField', { platform: clash }));
    this.schema = fileSchema(people);
    this.fill(this.schema.parse(data));
  }

  private fill(parsed: DirectoryFile): void {
    this.byName = new Map();
    this.byPlatformId = new Map();
    this.groups = new Map();
    for (const [name, u] of Object.entries(parsed.users)) {
      const user: DirectoryUser = { name, ...u };
      this.byName.set(name, user);
      for (const [p, id] of Object.entries(u.ids)) if (id) this.byPlatformId.set(`${p}:${id}`, user);
      for (const g of u.groups) this.memberSet(g).add(name);
    }
    for (const [g, members] of Object.entries(parsed.groups)) {
      for (const m of members) this.memberSet(g).add(m);
    }
  }

  /**
   * The directory of a file, read again when the file changes: approvers resolved when a level
   * becomes active follow the directory of that moment (lazy resolution, as vRA does).
   */
  static load(file: string, people: readonly Platform[] = []): Directory {
    const d = new Directory({}, people);
    d.fill(d.read(file));
    d.file = { path: file, mtimeMs: statSync(file).mtimeMs };
    return d;
  }

  private fresh(): this {
    if (!this.file) return this;
    try {
      const m = statSync(this.file.path).mtimeMs;
      if (m !== this.file.mtimeMs) {
        this.fill(this.read(this.file.path));
        this.file.mtimeMs = m;
      }
    } catch {
      /* a file being rewritten, or broken for a moment: keep the last good directory */
    }
    return this;
  }

  private read(file: string): DirectoryFile {
    let raw: unknown;
    try {
      raw = parse(readFileSync(file, 'utf8')) ?? {};
    } catch (err) {
      const problem = verbatim((err as Error).message.split('\n')[0]!);
      throw new ConfigError(msg('config:fileProblem', { variable: 'OPSGATE_DIRECTORY', file, problem }));
    }
    const parsed = this.schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = issue.path.join('.') || msg('config:rootPath');
      const problem = msg('config:pathProblem', { path, problem: zodText(issue) });
      throw new ConfigError(msg('config:fileProblem', { variable: 'OPSGATE_DIRECTORY', file, problem }));
    }
    return parsed.data;
  }

  user(name: string): DirectoryUser | undefined {
    return this.fresh().byName.get(name);
  }
  byPlatform(platform: Platform, id: string): DirectoryUser | undefined {
    return this.fresh().byPlatformId.get(`${platform}:${id}`);
  }
  byEmail(email: string): DirectoryUser | undefined {
    const e = email.toLowerCase();
    return [...this.fresh().byName.values()].find((u) => u.email?.toLowerCase() === e);
  }
  users(): DirectoryUser[] {
    return [...this.fresh().byName.values()];
  }
  members(group: string): string[] {
    return [...(this.fresh().groups.get(group) ?? [])];
  }

  private memberSet(g: string): Set<string> {
    let s = this.groups.get(g);
    if (!s) {
      s = new Set();
      this.groups.set(g, s);
    }
    return s;
  }
}

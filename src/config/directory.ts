import { readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { PEOPLE_PLATFORMS, type PeoplePlatform } from './platforms.js';

/** People and groups: who may approve, and how each is known on every chat platform. */
const userSchema = z
  .object({
    slack: z.string().optional(),
    dingtalk: z.string().optional(),
    email: z.string().optional(),
    mobile: z.string().optional(),
    manager: z.string().optional(),
    groups: z.array(z.string()).default([]),
  })
  .strict();

const fileSchema = z
  .object({
    users: z
      .record(
        z.string(),
        userSchema.nullable().transform((u) => u ?? userSchema.parse({})),
      )
      .default({}),
    groups: z.record(z.string(), z.array(z.string())).default({}),
  })
  .strict();

export interface DirectoryUser {
  name: string;
  slack?: string;
  dingtalk?: string;
  email?: string;
  mobile?: string;
  manager?: string;
  groups: string[];
}

export class Directory {
  private byName = new Map<string, DirectoryUser>();
  private byPlatformId = new Map<string, DirectoryUser>();
  private groups = new Map<string, Set<string>>();
  private file?: { path: string; mtimeMs: number };

  constructor(data: z.input<typeof fileSchema> = {}) {
    this.fill(fileSchema.parse(data));
  }

  private fill(parsed: z.output<typeof fileSchema>): void {
    this.byName = new Map();
    this.byPlatformId = new Map();
    this.groups = new Map();
    for (const [name, u] of Object.entries(parsed.users)) {
      const user: DirectoryUser = { name, ...u };
      this.byName.set(name, user);
      for (const p of PEOPLE_PLATFORMS) if (u[p]) this.byPlatformId.set(`${p}:${u[p]}`, user);
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
  static load(file: string): Directory {
    const d = new Directory(Directory.read(file));
    d.file = { path: file, mtimeMs: statSync(file).mtimeMs };
    return d;
  }

  private fresh(): this {
    if (!this.file) return this;
    try {
      const m = statSync(this.file.path).mtimeMs;
      if (m !== this.file.mtimeMs) {
        this.fill(Directory.read(this.file.path));
        this.file.mtimeMs = m;
      }
    } catch {
      /* a file being rewritten, or broken for a moment: keep the last good directory */
    }
    return this;
  }

  private static read(file: string): z.output<typeof fileSchema> {
    let raw: unknown;
    try {
      raw = parse(readFileSync(file, 'utf8')) ?? {};
    } catch (err) {
      throw new ConfigError(`OPSGATE_DIRECTORY ${file}: ${(err as Error).message.split('\n')[0]}`);
    }
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(`OPSGATE_DIRECTORY ${file}: ${issue.path.join('.') || '(root)'} ${issue.message}`);
    }
    return parsed.data;
  }

  user(name: string): DirectoryUser | undefined {
    return this.fresh().byName.get(name);
  }
  byPlatform(platform: PeoplePlatform, id: string): DirectoryUser | undefined {
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

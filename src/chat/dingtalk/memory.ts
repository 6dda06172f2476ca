import type { ChatMemory } from '../adapter.js';

/** Memory in this process, for an adapter built without Redis's (tests of the adapter alone). */
export function processMemory(now: () => number = Date.now): ChatMemory {
  const values = new Map<string, { value: string; until: number }>();
  return {
    async get(key) {
      const v = values.get(key);
      if (v && v.until > now()) return v.value;
      values.delete(key);
      return undefined;
    },
    async set(key, value, ttlMs) {
      values.set(key, { value, until: now() + ttlMs });
    },
  };
}

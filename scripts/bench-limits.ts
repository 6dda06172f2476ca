/**
 * Hostile input is refused in milliseconds: the time to refuse a ~0.6 KB billion-laughs template
 * (9^9 values once expanded) on each YAML path (before the limits: blocked ~50 s), and a value made
 * to make `^(a+)+$` backtrack (before RE2: 29 a's blocked 20 s, each more doubled it).
 */
import { performance } from 'node:perf_hooks';
import { resolveParameters } from '../src/template/parameters.js';
import { parseTemplate } from '../src/engine/parse.js';
import { aliasBomb } from '../test/support/yaml-bomb.js';

const ACCEPTED = 'hostile input was accepted';

async function refusalMs(run: () => unknown, rounds = 7): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i <= rounds; i++) {
    const t = performance.now();
    try {
      await run();
      throw new Error(ACCEPTED);
    } catch (err) {
      if ((err as Error).message === ACCEPTED) throw err;
    }
    if (i > 0) times.push(performance.now() - t); // the first round warms up
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const line = (what: string, ms: number) => console.log(`${what.padEnd(70)} ${ms.toFixed(2).padStart(8)} ms`);

export async function runLimitsBench(): Promise<void> {
  for (const brokenIndent of [false, true]) {
    const bomb = aliasBomb({ brokenIndent });
    line(
      `refuse an alias bomb (${bomb.length} B, ${brokenIndent ? 'PyYAML-compatible path' : 'yaml package path'})`,
      await refusalMs(() => parseTemplate(bomb)),
    );
  }
  const redos = { Parameters: { p: { Type: 'String' as const, AllowedPattern: '^(a+)+$' } } };
  const value = `${'a'.repeat(10_000)}!`;
  line(
    "refuse 10,000 a's and ! against AllowedPattern ^(a+)+$",
    await refusalMs(() => resolveParameters(redos, { p: value })),
  );
}

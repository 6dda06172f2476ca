/**
 * Hostile input is refused in milliseconds: the time to refuse a ~0.6 KB billion-laughs template
 * (9^9 values once expanded) on each YAML path. Before the limits it blocked the process ~50 s.
 */
import { performance } from 'node:perf_hooks';
import { parseTemplate } from '../src/template/parse.js';
import { aliasBomb } from '../test/support/yaml-bomb.js';

function refusalMs(run: () => unknown, rounds = 7): number {
  const times: number[] = [];
  for (let i = 0; i <= rounds; i++) {
    const t = performance.now();
    try { run(); throw new Error('hostile input was accepted'); } catch (err) { if ((err as Error).message === 'hostile input was accepted') throw err; }
    if (i > 0) times.push(performance.now() - t); // the first round warms up
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

export function runLimitsBench(): void {
  for (const brokenIndent of [false, true]) {
    const bomb = aliasBomb({ brokenIndent });
    const ms = refusalMs(() => parseTemplate(bomb));
    console.log(`refuse an alias bomb (${bomb.length} B, ${brokenIndent ? 'PyYAML-compatible path' : 'yaml package path'})`.padEnd(70) + `${ms.toFixed(2).padStart(8)} ms`);
  }
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TemplateInvalidError } from '../../src/errors.js';
import { parseTemplate } from '../../src/engine/parse.js';
import { aliasBomb } from '../support/yaml-bomb.js';

/** Parses content expecting a TemplateInvalidError; returns its one-line problems. */
function refusal(content: string): string {
  try {
    parseTemplate(content);
  } catch (err) {
    assert.ok(
      err instanceof TemplateInvalidError,
      `expected TemplateInvalidError, got ${(err as Error).name}: ${(err as Error).message}`,
    );
    return err.problems.map((p) => `${p.path}: ${p.message}`).join('\n');
  }
  assert.fail('the template was accepted');
}

const task = '  - Name: t\n    Action: ACS::Sleep\n    Properties: { Duration: PT1S }\n';

describe('hostile YAML is refused before it costs anything', () => {
  test('an alias bomb on the PyYAML-compatible path is refused, naming the limit', () => {
    assert.match(refusal(aliasBomb({ brokenIndent: true })), /YAML aliases/);
  });

  test('an alias bomb on the yaml package path is a template error, not a crash', () => {
    assert.match(refusal(aliasBomb({ brokenIndent: false })), /YAML aliases/);
  });

  test('an alias that contains itself is refused on either path', () => {
    const cyclic = (broken: boolean) =>
      `FormatVersion: OOS-2019-06-01\n${broken ? "Description: 'a\nb'\n" : ''}Tasks:\n  - &t\n    Name: t\n    ` +
      `Action: ACS::Sleep\n    Properties: { Duration: PT1S, Self: *t }\n`;
    assert.match(refusal(cyclic(true)), /refers to a node that contains it/);
    assert.match(refusal(cyclic(false)), /refers to a node that contains it|YAML aliases/);
  });

  test('nesting deeper than the limit is refused, in flow, block and JSON', () => {
    const deep = 100;
    assert.match(
      refusal(`FormatVersion: OOS-2019-06-01\nMetadata: ${'['.repeat(deep)}${']'.repeat(deep)}\nTasks:\n${task}`),
      /nested more than 64 levels/,
    );
    assert.match(
      refusal(`FormatVersion: OOS-2019-06-01\nMetadata: ${'['.repeat(200_000)}\nTasks:\n${task}`),
      /nested more than 64 levels/,
    );
    const block = Array.from({ length: deep }, (_, i) => `${' '.repeat(i + 1)}k:`).join('\n');
    assert.match(
      refusal(`FormatVersion: OOS-2019-06-01\nMetadata:\n${block} x\nTasks:\n${task}`),
      /nested more than 64 levels/,
    );
    assert.match(
      refusal(`{"FormatVersion": "OOS-2019-06-01", "Metadata": ${'['.repeat(deep)}${']'.repeat(deep)}, "Tasks": []}`),
      /nested more than 64 levels/,
    );
  });

  test('a template larger than the limit is refused before it is parsed', () => {
    assert.match(
      refusal(`FormatVersion: OOS-2019-06-01\nTasks:\n${task}#${'x'.repeat(512 * 1024)}\n`),
      /larger than 256 KiB/,
    );
  });

  test('a few aliases, as people write them, still read', () => {
    const t = parseTemplate(
      `FormatVersion: OOS-2019-06-01\nParameters:\n  a: &p { Type: String, Default: x }\n  b: *p\nTasks:\n  - ` +
        `Name: t\n    Action: ACS::Sleep\n    Properties: &props { Duration: PT1S }\n  - Name: u\n    Action: ` +
        `ACS::Sleep\n    Properties: *props\n`,
    );
    assert.deepEqual(t.template.Parameters.b, { Type: 'String', Default: 'x' });
  });
});

/**
 * A billion-laughs template: nine levels of nine aliases (9^9 values from under 1 KB). With
 * `brokenIndent` it holds a quoted scalar less indented than its key, which the yaml package refuses
 * and PyYAML (js-yaml) reads: that sends it down the PyYAML-compatible path.
 */
export function aliasBomb(opts: { brokenIndent: boolean }): string {
  const names = 'abcdefghi';
  const levels = [`  a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]`];
  for (let i = 1; i < names.length; i++)
    levels.push(
      `  ${names[i]}: &${names[i]} [${Array(9)
        .fill(`*${names[i - 1]}`)
        .join(', ')}]`,
    );
  return [
    'FormatVersion: OOS-2019-06-01',
    'Description:',
    ...(opts.brokenIndent
      ? ["  en: 'a description that goes on", "on the next line, less indented'"]
      : ['  en: a description']),
    'Metadata:',
    ...levels,
    'Tasks:',
    '  - Name: t',
    '    Action: ACS::Sleep',
    '    Properties: { Duration: PT1S, Laughs: *i }',
    '',
  ].join('\n');
}

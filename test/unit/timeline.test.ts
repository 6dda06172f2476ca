import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  formatDuration,
  STATUS_COLOURS,
  textWidth,
  timelineSvg,
  type TimelineRow,
} from '../../src/http/pages/timeline-svg.js';

const T0 = Date.parse('2024-05-01T12:00:00Z');

/** Each row's group attributes and its bar's x and width, in order. */
function bars(svg: string) {
  return [
    ...svg.matchAll(
      new RegExp(
        /<g class="([^"]+)" data-task="([^"]*)" data-status="([^"]*)"[^>]*>.*?/.source +
          /<rect class="bar" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*fill="([^"]+)"/.source,
        'g',
      ),
    ),
  ].map((m) => ({ cls: m[1], task: m[2], status: m[3], x: Number(m[4]), width: Number(m[5]), fill: m[6] }));
}

describe('the timeline SVG', () => {
  test('one row per entry, in order, with data-task and data-status, inside <svg id="timeline">', () => {
    const rows: TimelineRow[] = [
      { task: 'prepare', status: 'Success', start: T0, end: T0 + 1000 },
      { task: 'approve', status: 'Waiting', start: T0 + 1000 },
      { task: 'skipped', status: 'Skipped', start: T0 + 1000, end: T0 + 1000 },
    ];
    const svg = timelineSvg(rows, { now: T0 + 5000 });
    assert.match(svg, /^<svg id="timeline" xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.deepEqual(
      bars(svg).map((b) => [b.task, b.status]),
      [
        ['prepare', 'Success'],
        ['approve', 'Waiting'],
        ['skipped', 'Skipped'],
      ],
    );
    assert.deepEqual(
      bars(svg).map((b) => b.fill),
      [STATUS_COLOURS.Success, STATUS_COLOURS.Waiting, STATUS_COLOURS.Skipped],
    );
    assert.match(svg, /Waiting · 4\.0 s so far/);
  });

  test('bar widths are proportional to durations, and positions to start times', () => {
    const svg = timelineSvg(
      [
        { task: 'a', status: 'Success', start: T0, end: T0 + 1000 },
        { task: 'b', status: 'Failed', start: T0 + 1000, end: T0 + 4000 },
      ],
      { now: T0 + 10_000, width: 1000 },
    );
    const [a, b] = bars(svg);
    assert.ok(Math.abs(b!.width / a!.width - 3) < 0.01, `${b!.width} is 3 x ${a!.width}`);
    assert.ok(Math.abs(b!.x - (a!.x + a!.width)) < 0.01, 'b starts where a ended');
    assert.equal(b!.fill, STATUS_COLOURS.Failed);
  });

  test('a running bar reaches now; the span grows with it', () => {
    const rows: TimelineRow[] = [
      { task: 'done', status: 'Success', start: T0, end: T0 + 2000 },
      { task: 'running', status: 'Running', start: T0 + 2000 },
    ];
    const early = bars(timelineSvg(rows, { now: T0 + 4000, width: 1000 }));
    assert.ok(Math.abs(early[1]!.width - early[0]!.width) < 0.01, 'running 2 s so far is as wide as the 2 s task');
    const late = bars(timelineSvg(rows, { now: T0 + 8000, width: 1000 }));
    assert.ok(Math.abs(late[1]!.width / late[0]!.width - 3) < 0.01, 'running 6 s so far is 3 x the 2 s task');
    assert.ok(
      Math.abs(late[0]!.x + late[0]!.width + late[1]!.width - (early[0]!.x + early[0]!.width + early[1]!.width)) < 0.01,
      'both end at the right edge',
    );
  });

  test('a name like <script> is escaped in text and in attributes', () => {
    const svg = timelineSvg(
      [{ task: '<script>alert("x")</script>', status: '"><img>', start: T0, end: T0 + 10, label: "it's & <b>" }],
      { now: T0 + 10 },
    );
    assert.doesNotMatch(svg, /<script>|<img>|<b>/);
    assert.match(svg, /data-task="&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;"/);
    assert.match(svg, /data-status="&quot;&gt;&lt;img&gt;"/);
    assert.match(svg, /it&#39;s &amp; &lt;b&gt;/);
  });

  test('loop items are smaller rows of their task, marked with data-item', () => {
    const svg = timelineSvg(
      [
        { task: 'nap', status: 'Success', start: T0, end: T0 + 3000, note: '2 of 3 ok, 1 failed' },
        { task: 'nap', status: 'Success', start: T0, end: T0 + 1000, item: 0, label: 'PT0S' },
        { task: 'nap', status: 'Failed', start: T0 + 1000, end: T0 + 2000, item: 1, label: 'bad' },
      ],
      { now: T0 + 3000 },
    );
    assert.deepEqual(
      bars(svg).map((b) => b.cls),
      ['row', 'row item', 'row item'],
    );
    assert.match(svg, /data-item="1"/);
    assert.match(svg, /2 of 3 ok, 1 failed/);
  });

  test('no rows is an empty picture, not an error; durations read well', () => {
    assert.match(timelineSvg([], { now: T0 }), /<svg id="timeline"[^>]*>.*<\/svg>$/);
    assert.deepEqual(
      [850, 12_300, 245_000, 7_380_000].map((ms) => formatDuration(ms)),
      ['850 ms', '12 s', '4 min 05 s', '2 h 03 min'],
    );
    assert.equal(formatDuration(1500), '1.5 s');
  });

  const anApprovalLevel =
    'an approval level is a row of vote dots where they fell in time; a child execution row links to its page';
  test(anApprovalLevel, () => {
    const svg = timelineSvg(
      [
        { task: 'approve', status: 'Success', start: T0, end: T0 + 4000 },
        {
          task: 'approve',
          status: 'approved',
          start: T0,
          end: T0 + 4000,
          level: 0,
          label: '1. Leads (ANY)',
          marks: [
            { at: T0 + 2000, decision: 'AGREE', voter: '<b>ob', title: '<b>ob approved' },
            { at: T0 + 4000, decision: 'REJECT', voter: 'carol', title: 'carol rejected' },
          ],
        },
        {
          task: 'call',
          status: 'Success',
          start: T0 + 4000,
          end: T0 + 4000,
          child: 'exec-1',
          label: 'child exec-1',
          href: '/executions/exec-1',
        },
      ],
      { now: T0 + 4000, width: 1000 },
    );
    const dots = [
      ...svg.matchAll(
        /<circle class="vote" data-voter="([^"]*)" data-decision="(\w+)" cx="([\d.]+)"[^>]*fill="([^"]+)"/g,
      ),
    ].map((m) => [m[1], m[2], Number(m[3]), m[4]]);
    // 240 px of labels, 530 px of chart (1000 - 240 - 230): the first vote halfway, the second at the end.
    assert.deepEqual(dots, [
      ['&lt;b&gt;ob', 'AGREE', 240 + 265, STATUS_COLOURS.Success],
      ['carol', 'REJECT', 240 + 530, STATUS_COLOURS.Failed],
    ]);
    assert.doesNotMatch(svg, /<b>ob/, 'escaped');
    assert.match(
      svg,
      /<g class="row level"[^>]*data-level="0"[^>]*>(?:(?!<\/g>).)*<line[^>]*class="lane"/,
      'a level has a lane, not a bar',
    );
    assert.match(
      svg,
      new RegExp(
        /<g class="row child" data-task="call" data-status="Success" data-child="exec-1"[^>]*>.*?/.source +
          /<a href="\/executions\/exec-1"><text[^>]*>child exec-1<\/text><\/a>/.source,
      ),
    );
  });

  test('labels stay in their columns and never run past the right edge or over each other', () => {
    const width = 960;
    const svg = timelineSvg(
      [
        { task: 'W'.repeat(60), status: 'Success', start: T0, end: T0 + 1000, note: 'x'.repeat(80) },
        {
          task: 'deploy',
          status: 'Success',
          start: T0,
          end: T0 + 1000,
          item: 0,
          label: '部署到生产环境的所有主机'.repeat(3),
        },
        {
          task: 'approve',
          status: 'approved',
          start: T0,
          end: T0 + 4000,
          level: 0,
          label: '1. A level with a very long name indeed (ANY)',
          marks: [
            { at: T0 + 1000, decision: 'AGREE', voter: 'bartholomew', title: 'b' },
            { at: T0 + 1010, decision: 'AGREE', voter: 'christopher', title: 'c' },
            { at: T0 + 4000, decision: 'AGREE', voter: 'maximiliane', title: 'm' },
          ],
        },
      ],
      { now: T0 + 4000, width, locale: 'zh-CN' },
    );
    const texts = [
      ...svg.matchAll(/<text (?:class="(\w+)" )?x="([\d.]+)"[^>]*?(?:class="(\w+)")?>([^<]*)<\/text>/g),
    ].map((m) => ({ cls: m[1] ?? m[3], x: Number(m[2]), text: m[4]!.replace(/&amp;/g, '&') }));
    // A loop item's row (#0 ...) is drawn at 11 px.
    for (const t of texts.filter((t) => t.cls === 'name'))
      assert.ok(
        t.x + textWidth(t.text, t.text.startsWith('#') ? 11 : 12) <= 240,
        `a name stays left of the bars: ${t.text}`,
      );
    for (const t of texts.filter((t) => t.cls === 'dur'))
      assert.ok(t.x + textWidth(t.text, 12) <= width, `a status stays inside the picture: ${t.text}`);
    const voters = texts.filter((t) => t.cls === 'voter').sort((a, b) => a.x - b.x);
    assert.ok(voters.length >= 2, 'voters are named where there is room');
    for (const [a, b] of voters.slice(1).map((v, i) => [voters[i]!, v] as const))
      assert.ok(a.x + textWidth(a.text, 10) <= b.x, `${a.text} and ${b.text} do not overlap`);
    for (const v of voters) assert.ok(v.x + textWidth(v.text, 10) <= width - 230, `${v.text} stays in the chart`);
    assert.equal([...svg.matchAll(/<circle class="vote"/g)].length, 3, 'every vote keeps its dot');
  });
});

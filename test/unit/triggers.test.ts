import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CronExpressionParser } from 'cron-parser';
import { ParameterError } from '../../src/errors.js';
import * as filters from '../../src/engine/triggers/event.js';
import { nextFireTimes, timerSchedule as schedule } from '../../src/engine/triggers/timer.js';
import { render } from '../../src/i18n/index.js';

// The English each one says (its catalogue text is checked in zh-CN at the end).
const english = ({ text: _, ...r }: filters.MatchResult) => r;
const matchesEvent = (p: unknown, b: unknown) => english(filters.matchesEvent(p, b));
const matchesAlarm = (p: unknown, b: unknown) => english(filters.matchesAlarm(p, b));
const timerSchedule = (p: unknown, at: Date) => {
  const s = schedule(p, at);
  return { ...s, description: render(s.description, 'en') };
};

const now = new Date('2025-01-01T00:00:00Z'); // a Wednesday
const END = '2099-12-01T00:00:00Z'; // the corpus default for triggerEndDate
const cron = (Expression: string, extra: Record<string, unknown> = {}) => ({
  Type: 'cron',
  Expression,
  EndDate: END,
  ...extra,
});
const isos = (dates: Date[]) => dates.map((d) => d.toISOString());

function fails(props: unknown, message: string): void {
  assert.throws(
    () => timerSchedule(props, now),
    (e: unknown) => {
      assert.ok(e instanceof ParameterError, `threw ${String(e)}`);
      assert.equal(e.message, message);
      return true;
    },
  );
}

test('cron: six fields with seconds and Quartz ? become a cron-parser pattern in UTC', () => {
  const { repeat, description } = timerSchedule(cron('0 0 12 ? * *'), now); // corpus default for triggerCron
  assert.deepEqual(repeat, { pattern: '0 0 12 * * *', tz: 'UTC', endDate: Date.parse(END) });
  assert.equal(description, 'cron "0 0 12 ? * *" in UTC, until 2099-12-01T00:00:00.000Z');
  assert.deepEqual(isos(nextFireTimes(cron('0 0 12 ? * *'), now, 3)), [
    '2025-01-01T12:00:00.000Z',
    '2025-01-02T12:00:00.000Z',
    '2025-01-03T12:00:00.000Z',
  ]);
});

test('cron: the expression the schedule templates build with Fn::Join, weekdays by name', () => {
  // ACS-ECS-ScheduleToStopAndStartInstances: ['0', minute, hour, '?', '*', weekdays]
  const props = cron('0 30 8 ? * MON-FRI');
  assert.equal(timerSchedule(props, now).repeat.pattern, '0 30 8 * * MON-FRI');
  assert.deepEqual(isos(nextFireTimes(props, now, 4)), [
    '2025-01-01T08:30:00.000Z',
    '2025-01-02T08:30:00.000Z',
    '2025-01-03T08:30:00.000Z',
    '2025-01-06T08:30:00.000Z',
  ]);
});

test('cron: Quartz day-of-week numbers (1 = Sunday) are shifted to cron-parser numbers (0 = Sunday)', () => {
  const pattern = (e: string) => timerSchedule(cron(e), now).repeat.pattern;
  assert.equal(pattern('0 0 21 ? * 1'), '0 0 21 * * 0');
  assert.equal(pattern('0 0 12 ? * 2-6'), '0 0 12 * * 1-5');
  assert.equal(pattern('0 0 12 ? * 2,4,7'), '0 0 12 * * 1,3,6');
  assert.equal(pattern('0 15 10 ? * 6#3'), '0 15 10 * * 5#3'); // third Friday: the #3 is not a day
  assert.equal(pattern('0 15 10 ? * 6L'), '0 15 10 * * 5L'); // last Friday
  assert.equal(pattern('0 0 12 ? * 1/2'), '0 0 12 * * 0/2'); // the step is not a day
  assert.equal(pattern('0 0 12 ? * L'), '0 0 12 * * 6'); // bare L is Saturday
  assert.equal(pattern('0 15 10 * * ? *'), '0 15 10 * * *'); // optional year field
  assert.deepEqual(isos(nextFireTimes(cron('0 0 21 ? * 1'), now, 2)), [
    '2025-01-05T21:00:00.000Z',
    '2025-01-12T21:00:00.000Z',
  ]);
  assert.deepEqual(isos(nextFireTimes(cron('0 15 10 ? * 6#3'), now, 1)), ['2025-01-17T10:15:00.000Z']);
});

test('cron: five fields are Unix cron, taken as they are', () => {
  const props = cron('30 9 * * 1');
  assert.equal(timerSchedule(props, now).repeat.pattern, '30 9 * * 1');
  assert.deepEqual(isos(nextFireTimes(props, now, 2)), ['2025-01-06T09:30:00.000Z', '2025-01-13T09:30:00.000Z']);
});

test('cron: the repeat options work as BullMQ passes them to cron-parser', () => {
  const { repeat } = timerSchedule(cron('0 0 12 ? * *', { TimeZone: 'Asia/Shanghai' }), now);
  const it = CronExpressionParser.parse(repeat.pattern!, { ...repeat, currentDate: now });
  assert.equal(it.next().toISOString(), '2025-01-01T04:00:00.000Z');
});

test('cron: invalid expressions name the property', () => {
  fails(cron('61 * * * * *'), 'Expression: "61 * * * * *" is not a valid cron expression');
  fails(cron('0 0 12 * *  * 2030'), 'Expression: "0 0 12 * *  * 2030" is not a valid cron expression');
  fails(cron('* * *'), 'Expression: "* * *" is not a valid cron expression');
  fails(cron('0 0 12 ? * 8'), 'Expression: "0 0 12 ? * 8" is not a valid cron expression');
  fails(cron('0 0 12 ? * 0'), 'Expression: "0 0 12 ? * 0" is not a valid cron expression'); // Quartz has no day 0
  fails(cron('0 0 12 15W * ?'), 'Expression: "0 0 12 15W * ?" is not a valid cron expression'); // cron-parser has no W
});

test('rate: N minute(s) | hour(s) | day(s), first run one interval after now', () => {
  const rate = (Expression: string) => timerSchedule({ Type: 'rate', Expression, EndDate: END }, now);
  const half = rate('30 minutes'); // ACS-ECS-AlarmAccountResourceUsage
  assert.deepEqual(half.repeat, { every: 1_800_000, startDate: now.getTime() + 1_800_000, endDate: Date.parse(END) });
  assert.equal(half.description, 'every 30 minutes, until 2099-12-01T00:00:00.000Z');
  assert.equal(rate('5 minute').repeat.every, 300_000); // the OOS doc's own example
  assert.equal(rate('1 hour').repeat.every, 3_600_000);
  assert.equal(rate('2 Hours').repeat.every, 7_200_000);
  assert.equal(rate('1 day').description, 'every 1 day, until 2099-12-01T00:00:00.000Z');
  assert.deepEqual(isos(nextFireTimes({ Type: 'rate', Expression: '1 hour', EndDate: END }, now, 3)), [
    '2025-01-01T01:00:00.000Z',
    '2025-01-01T02:00:00.000Z',
    '2025-01-01T03:00:00.000Z',
  ]);
  for (const bad of ['30 seconds', '0 minutes', 'every 5m', '1.5 hours']) {
    fails(
      { Type: 'rate', Expression: bad, EndDate: END },
      `Expression: ${JSON.stringify(bad)} is not a rate such as "30 minutes", "1 hour" or "1 day"`,
    );
  }
});

test('rate: a future StartDate is the first run', () => {
  const props = { Type: 'rate', Expression: '1 day', StartDate: '2025-02-01', EndDate: END };
  assert.equal(timerSchedule(props, now).repeat.startDate, Date.parse('2025-02-01T00:00:00Z'));
  assert.deepEqual(isos(nextFireTimes(props, now, 2)), ['2025-02-01T00:00:00.000Z', '2025-02-02T00:00:00.000Z']);
});

test('at: one run, as limit 1 from a start date; a datetime without zone is read in TimeZone', () => {
  const props = { Type: 'at', Expression: '2025-01-02T03:04:05Z', EndDate: END };
  const { repeat, description } = timerSchedule(props, now);
  assert.deepEqual(repeat, {
    every: 86_400_000,
    startDate: Date.parse('2025-01-02T03:04:05Z'),
    limit: 1,
    endDate: Date.parse(END),
  });
  assert.equal(description, 'once at 2025-01-02T03:04:05.000Z');
  assert.deepEqual(isos(nextFireTimes(props, now, 5)), ['2025-01-02T03:04:05.000Z']);
  const local = { Type: 'at', Expression: '2025-01-02 08:00:00', TimeZone: 'Asia/Shanghai', EndDate: END };
  assert.equal(timerSchedule(local, now).repeat.startDate, Date.parse('2025-01-02T00:00:00Z'));
  const offset = { Type: 'at', Expression: '2025-01-02T08:00:00+08:00', EndDate: END };
  assert.equal(timerSchedule(offset, now).repeat.startDate, Date.parse('2025-01-02T00:00:00Z'));
  fails(
    { Type: 'at', Expression: '2024-12-31T00:00:00Z', EndDate: END },
    'Expression: "2024-12-31T00:00:00Z" is in the past',
  );
  fails(
    { Type: 'at', Expression: '2025-03-01T00:00:00Z', EndDate: '2025-02-01' },
    'Expression: "2025-03-01T00:00:00Z" is after EndDate "2025-02-01"',
  );
  fails(
    { Type: 'at', Expression: 'tomorrow', EndDate: END },
    'Expression: "tomorrow" is not a date in YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ format',
  );
});

test('TimeZone: IANA names and UTC offsets; DST is followed', () => {
  const at = (TimeZone: string) => isos(nextFireTimes(cron('0 0 12 ? * *', { TimeZone }), now, 1))[0];
  assert.equal(at('Asia/Shanghai'), '2025-01-01T04:00:00.000Z');
  assert.equal(at('UTC+08:00'), '2025-01-01T04:00:00.000Z');
  assert.equal(timerSchedule(cron('0 0 12 ? * *', { TimeZone: 'GMT+8' }), now).repeat.tz, 'UTC+08:00');
  assert.equal(at('GMT+8'), '2025-01-01T04:00:00.000Z');
  assert.equal(timerSchedule(cron('0 0 12 ? * *', { TimeZone: '' }), now).repeat.tz, 'UTC'); // unset Json key
  const summer = isos(
    nextFireTimes(cron('0 0 12 ? * *', { TimeZone: 'Europe/Berlin', StartDate: '2025-07-01' }), now, 1),
  );
  assert.deepEqual(summer, ['2025-07-01T10:00:00.000Z']);
  fails(
    cron('0 0 12 ? * *', { TimeZone: 'Mars/Olympus' }),
    'TimeZone: "Mars/Olympus" is not an IANA time zone or an offset such as UTC+08:00',
  );
  fails(
    cron('0 0 12 ? * *', { TimeZone: 'UTC+25' }),
    'TimeZone: "UTC+25" is not an IANA time zone or an offset such as UTC+08:00',
  );
});

test('EndDate: required, not past, date-only is 00:00 UTC that day, and it stops the runs', () => {
  fails({ Type: 'cron', Expression: '0 0 12 ? * *' }, 'EndDate is required');
  fails({ Type: 'cron', Expression: '0 0 12 ? * *', EndDate: '' }, 'EndDate is required');
  fails(cron('0 0 12 ? * *', { EndDate: '2020-12-29T09:19:30Z' }), 'EndDate: "2020-12-29T09:19:30Z" is in the past');
  fails(cron('0 0 12 ? * *', { EndDate: '2025-01-01' }), 'EndDate: "2025-01-01" is in the past'); // == now
  fails(
    cron('0 0 12 ? * *', { EndDate: '2025/06/01' }),
    'EndDate: "2025/06/01" is not a date in YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ format',
  );
  fails(
    cron('0 0 12 ? * *', { EndDate: '2025-02-30' }),
    'EndDate: "2025-02-30" is not a date in YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ format',
  );
  const dateOnly = cron('0 0 12 ? * *', { EndDate: '2025-01-03' });
  assert.equal(timerSchedule(dateOnly, now).repeat.endDate, Date.parse('2025-01-03T00:00:00Z'));
  assert.deepEqual(isos(nextFireTimes(dateOnly, now, 10)), ['2025-01-01T12:00:00.000Z', '2025-01-02T12:00:00.000Z']);
  // the doc's JSON example writes milliseconds; an unquoted YAML timestamp arrives as a Date
  assert.equal(
    timerSchedule(cron('0 0 12 ? * *', { EndDate: '2030-06-01T00:00:00.000Z' }), now).repeat.endDate,
    Date.parse('2030-06-01T00:00:00Z'),
  );
  assert.equal(
    timerSchedule(cron('0 0 12 ? * *', { EndDate: new Date('2030-06-01T00:00:00Z') }), now).repeat.endDate,
    Date.parse('2030-06-01T00:00:00Z'),
  );
  const rate = { Type: 'rate', Expression: '1 day', EndDate: '2025-01-03T12:00:00Z' };
  assert.deepEqual(isos(nextFireTimes(rate, now, 10)), ['2025-01-02T00:00:00.000Z', '2025-01-03T00:00:00.000Z']);
});

test('StartDate: cron runs start after it; it must be before EndDate', () => {
  const props = cron('0 0 12 ? * *', { StartDate: '2025-03-01T00:00:00Z' });
  assert.equal(timerSchedule(props, now).repeat.startDate, Date.parse('2025-03-01T00:00:00Z'));
  assert.deepEqual(isos(nextFireTimes(props, now, 1)), ['2025-03-01T12:00:00.000Z']);
  fails(
    cron('0 0 12 ? * *', { StartDate: '2100-01-01' }),
    'StartDate: "2100-01-01" is not before EndDate "2099-12-01T00:00:00Z"',
  );
});

test('nextFireTimes: ascending, exactly count, none for count 0', () => {
  const times = nextFireTimes(cron('0 */15 * ? * *'), now, 6).map((d) => d.getTime());
  assert.equal(times.length, 6);
  assert.ok(
    times.every((t, i) => i === 0 || t > times[i - 1]!),
    'strictly increasing',
  );
  assert.equal(times[1]! - times[0]!, 15 * 60_000);
  assert.deepEqual(nextFireTimes(cron('0 0 12 ? * *'), now, 0), []);
});

test('Type, Expression and Properties are checked with plain messages', () => {
  fails({ Expression: '1 day', EndDate: END }, 'Type is required (cron, rate or at)');
  fails({ Type: 'weekly', Expression: '1 day', EndDate: END }, 'Type: "weekly" is not one of cron, rate, at');
  fails({ Type: 'cron', EndDate: END }, 'Expression is required');
  fails('cron', 'Properties of ACS::TimerTrigger must be a map');
  assert.equal(
    timerSchedule({ Type: 'CRON', Expression: '0 0 12 ? * *', EndDate: END }, now).repeat.pattern,
    '0 0 12 * * *',
  );
});

// TriggerExecution's documented example body (seed 001).
const ecsEvent =
  '{"eventTime": "20181226T220114.058+0800", "id": "9435EAD6-3CF6-4494-8F7A-3A********77","level": "INFO",' +
  '"name": "Instance:StateChange","product": "ECS","regionId":"cn-hangzhou","resourceId": "acs:ecs:cn-hangzhou:' +
  '169070********30:instance/i-bp1ecr********5go2go","userId": "169070********30","ver": "1.0","content": ' +
  '{"resourceId": "i-bp1ecr********5go2go", "resourceType": "ALIYUN::ECS::Instance","state": "Stopping"} }';
const stateChange = {
  Product: 'ECS',
  Name: ['Instance:StateChange'],
  Level: ['INFO'],
  Content: { state: ['Stopping', 'Stopped'] },
  RegionId: ['cn-hangzhou'],
  Tags: [],
};

test('event: the seed body matches a trigger for its product, name, level, state and region', () => {
  assert.deepEqual(matchesEvent(stateChange, ecsEvent), { match: true });
  assert.deepEqual(matchesEvent(stateChange, JSON.parse(ecsEvent)), { match: true });
  assert.deepEqual(matchesEvent({}, ecsEvent), { match: true }); // no filters
  assert.deepEqual(matchesEvent({ ...stateChange, Product: 'ecs' }, ecsEvent), { match: true });
});

test('event: each filter that does not hold is named', () => {
  assert.deepEqual(matchesEvent({ ...stateChange, Name: ['Instance:PreemptibleInstanceInterruption'] }, ecsEvent), {
    match: false,
    reason: 'Name: "Instance:StateChange" is not in ["Instance:PreemptibleInstanceInterruption"]',
  });
  // ACS-ECS-AutoStartECSWhenStoppedByTags waits for Stopped; the seed event is Stopping
  assert.deepEqual(matchesEvent({ ...stateChange, Content: { state: ['Stopped'] } }, ecsEvent), {
    match: false,
    reason: 'Content.state: "Stopping" is not in ["Stopped"]',
  });
  assert.deepEqual(matchesEvent({ ...stateChange, RegionId: ['cn-beijing', 'cn-shanghai'] }, ecsEvent), {
    match: false,
    reason: 'RegionId: "cn-hangzhou" is not in ["cn-beijing","cn-shanghai"]',
  });
  assert.deepEqual(matchesEvent({ ...stateChange, Level: ['WARN'] }, ecsEvent), {
    match: false,
    reason: 'Level: "INFO" is not in ["WARN"]',
  });
  assert.deepEqual(matchesEvent({ ...stateChange, Product: 'RDS' }, ecsEvent), {
    match: false,
    reason: 'Product: "ECS" is not in ["RDS"]',
  });
  assert.deepEqual(matchesEvent({ Content: { action: 'delete' } }, ecsEvent), {
    match: false,
    reason: 'Content.action: the message has no action',
  });
  assert.deepEqual(matchesEvent(stateChange, '{not json'), {
    match: false,
    reason: 'the message body is not valid JSON',
  });
  assert.deepEqual(matchesEvent(stateChange, '[1]'), { match: false, reason: 'the message body is not a JSON object' });
  assert.throws(() => matchesEvent('ECS', ecsEvent), /^ParameterError: Properties of ACS::EventTrigger must be a map$/);
});

test('event: scalar and list content values, tags when the message carries them, JSON-text properties', () => {
  // ACS-ECS-RemoveFromSLBWhenPreemptibleInstanceInterrupted: a scalar Content value
  const interruption = {
    product: 'ECS',
    name: 'Instance:PreemptibleInstanceInterruption',
    level: 'WARN',
    regionId: 'cn-hangzhou',
    content: { instanceId: 'i-1', action: 'delete' },
  };
  assert.deepEqual(
    matchesEvent(
      {
        Product: 'ECS',
        Name: ['Instance:PreemptibleInstanceInterruption'],
        Level: ['WARN'],
        Content: { action: 'delete' },
      },
      interruption,
    ),
    { match: true },
  );
  // ACS-TAG-MonitorTagEcsInstance*: the event's changedTagKeys is a list; one listed key is enough
  const tagProps = {
    Product: 'tag',
    Name: ['Tag:ChangeOnResource'],
    Level: ['INFO'],
    RegionId: ['cn-hangzhou'],
    Content: { product: ['ecs'], resourceType: ['instance'], changedTagKeys: ['env'] },
  };
  const tagEvent = {
    product: 'tag',
    name: 'Tag:ChangeOnResource',
    level: 'INFO',
    regionId: 'cn-hangzhou',
    content: {
      product: 'ecs',
      resourceType: 'instance',
      resourceId: 'i-1',
      changedTagKeys: ['owner', 'env'],
      tags: { env: 'prod' },
    },
  };
  assert.deepEqual(matchesEvent(tagProps, tagEvent), { match: true });
  assert.deepEqual(matchesEvent({ ...tagProps, Content: { changedTagKeys: ['team'] } }, tagEvent), {
    match: false,
    reason: 'Content.changedTagKeys: ["owner","env"] is not in ["team"]',
  });
  assert.deepEqual(matchesEvent({ Tags: [{ Key: 'env', Value: 'prod' }] }, tagEvent), { match: true });
  assert.deepEqual(matchesEvent({ Tags: [{ Key: 'env', Value: 'dev' }] }, tagEvent), {
    match: false,
    reason: 'Tags: the resource has no tag env=dev',
  });
  // no tags in the message: not decided here
  assert.deepEqual(matchesEvent({ Tags: [{ Key: 'env', Value: 'dev' }] }, ecsEvent), { match: true });
  assert.deepEqual(matchesEvent({ Name: '["Instance:StateChange"]', Content: '{"state":["Stopping"]}' }, ecsEvent), {
    match: true,
  });
});

const alarm = {
  alertName: 'cpu-high',
  alertState: 'ALERT',
  namespace: 'acs_ecs_dashboard',
  metricName: 'CPUUtilization',
  dimensions: '{userId=169070********30, instanceId=i-bp1ecr********5go2go}',
  curValue: '95',
};
const alarmProps = {
  Namespace: 'acs_ecs_dashboard',
  MetricName: 'CPUUtilization',
  Statistics: 'Average',
  ComparisonOperator: 'GreaterThanThreshold',
  Threshold: 90,
  Resources: '[{"instanceId":"i-bp1ecr********5go2go"}]',
  Tags: [],
};

test('alarm: matches on namespace, metric and instance when the message has them', () => {
  assert.deepEqual(matchesAlarm(alarmProps, alarm), { match: true });
  assert.deepEqual(matchesAlarm(alarmProps, JSON.stringify(alarm)), { match: true });
  assert.deepEqual(
    matchesAlarm(alarmProps, {
      metricProject: 'acs_ecs_dashboard',
      metricName: 'CPUUtilization',
      instanceId: 'i-bp1ecr********5go2go',
    }),
    { match: true },
  );
  // lenient
  assert.deepEqual(matchesAlarm(alarmProps, { dimensions: { instanceId: 'i-bp1ecr********5go2go' } }), { match: true });
  assert.deepEqual(matchesAlarm({ ...alarmProps, Resources: ['i-other'] }, { instanceId: 'i-other' }), { match: true });
});

test('alarm: the filter that does not hold is named', () => {
  assert.deepEqual(matchesAlarm({ ...alarmProps, MetricName: 'memory_usedutilization' }, alarm), {
    match: false,
    reason: 'MetricName: "CPUUtilization" is not in ["memory_usedutilization"]',
  });
  assert.deepEqual(matchesAlarm({ ...alarmProps, Namespace: 'acs_rds_dashboard' }, alarm), {
    match: false,
    reason: 'Namespace: "acs_ecs_dashboard" is not in ["acs_rds_dashboard"]',
  });
  assert.deepEqual(matchesAlarm(alarmProps, { ...alarm, dimensions: '{"instanceId":"i-2"}' }), {
    match: false,
    reason: 'Resources: "i-2" is not in ["i-bp1ecr********5go2go"]',
  });
  assert.deepEqual(matchesAlarm(alarmProps, 'alarm!'), { match: false, reason: 'the message body is not valid JSON' });
});

test('a schedule and a filter that does not hold say so in the reader language', () => {
  const at = new Date('2025-01-01T00:00:00Z');
  const rate = schedule({ Type: 'rate', Expression: '30 minutes', EndDate: '2099-12-01T00:00:00Z' }, at);
  assert.equal(render(rate.description, 'zh-CN'), '每 30 分钟，截止 2099-12-01T00:00:00.000Z');
  const no = filters.matchesEvent({ Level: ['WARN'] }, { level: 'INFO' });
  assert.equal(no.reason, 'Level: "INFO" is not in ["WARN"]');
  assert.equal(render(no.text!, 'zh-CN'), 'Level："INFO" 不在 ["WARN"] 中');
  assert.throws(
    () => schedule({ Type: 'cron' }, at),
    (e: unknown) => e instanceof ParameterError && render(e.text!, 'zh-CN') === 'Expression 为必填项',
  );
});

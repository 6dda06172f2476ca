import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExpressionError } from '../../src/errors.js';
import { functions, type FnContext } from '../../src/template/functions/index.js';

const ctx: FnContext = { now: () => new Date('2024-03-10T05:06:07Z') };

/** Calls a function whose result is not a promise. */
function call(name: string, args: unknown): unknown {
  const fn = functions[name];
  assert.ok(fn, `Fn::${name} is registered`);
  return fn(args, ctx);
}

function fails(name: string, args: unknown, message: string): void {
  assert.throws(
    () => call(name, args),
    (e: unknown) => {
      assert.ok(e instanceof ExpressionError, `threw ${String(e)}`);
      assert.equal(e.message, message);
      assert.equal(e.code, 'InvalidExpression');
      return true;
    },
  );
}

test('the registry holds every function by name, without If and without Object methods', () => {
  const names = [
    'Equals',
    'Not',
    'And',
    'Or',
    'Select',
    'Split',
    'Join',
    'Replace',
    'Base64Encode',
    'Base64Decode',
    'Jq',
    'ListJoin',
    'MergeList',
    'MergeMap',
    'MergeMapToList',
    'ConvertMapToList',
    'MapJoin',
    'Min',
    'Max',
    'First',
    'Last',
    'RangeSelect',
    'Intersection',
    'Union',
    'Difference',
    'AddHour',
    'FormatUTCTime',
    'Eval',
    'DurationBetween',
    'CalculateBatch',
    'Sub',
    'ContainsSubString',
    'Escape',
    'IsIpInCIDR',
    'Sum',
  ];
  assert.deepEqual(Object.keys(functions).sort(), [...names].sort());
  assert.equal(functions.If, undefined);
  assert.equal(functions.toString, undefined);
  assert.equal(functions.constructor, undefined);
  assert.ok(Object.isFrozen(functions));
});

test('Equals compares deeply, with the coercions templates rely on', () => {
  assert.equal(call('Equals', ['linux', 'linux']), true); // [linux, '{{ q.OSType }}']
  assert.equal(call('Equals', ['linux', 'windows']), false);
  assert.equal(call('Equals', [[], []]), true); // [[], '{{ getInstanceType.instanceIds }}']
  assert.equal(call('Equals', [[], ['i-1']]), false);
  assert.equal(call('Equals', ['true', true]), true); // ['{{ flag }}', true]
  assert.equal(call('Equals', [false, 'False']), true);
  assert.equal(call('Equals', ['yes', true]), false);
  assert.equal(call('Equals', [1, '1']), true); // [1, '{{ getLifecycleHook.totalCount }}']
  assert.equal(call('Equals', ['0', 0.0]), true);
  assert.equal(call('Equals', ['', 0]), false);
  assert.equal(call('Equals', ['1', '1.0']), false); // two strings compare as text
  assert.equal(call('Equals', [null, null]), true); // [Null, '{{ x.connectionString }}']
  assert.equal(call('Equals', [null, '']), false);
  assert.equal(call('Equals', [{ a: [1, { b: 'x' }] }, { a: ['1', { b: 'x' }] }]), true);
  assert.equal(call('Equals', [{ a: 1 }, { a: 1, b: 2 }]), false);
  assert.equal(call('Equals', [[], '[]']), true); // a list against its JSON text
  assert.equal(call('Equals', ['{"a": 1}', { a: 1 }]), true);
  fails('Equals', ['a'], 'Fn::Equals: expects [value1, value2]');
  fails('Equals', 'a', 'Fn::Equals: expects [value1, value2]');
});

test('Not negates a condition given bare or as a one-element list', () => {
  assert.equal(call('Not', call('Equals', ['', ''])), false); // Not: {Equals: ['{{ artifactsUrl }}', '']}
  assert.equal(call('Not', true), false);
  assert.equal(call('Not', 'false'), true);
  assert.equal(call('Not', ['TRUE']), false);
  fails('Not', 'maybe', "Fn::Not: a condition must be true or false, got 'maybe'");
  fails('Not', [true, false], 'Fn::Not: expects a condition or a list of one condition');
  fails('Not', null, 'Fn::Not: a condition must be true or false, got null');
});

test('And and Or combine lists of conditions', () => {
  const linux = call('Equals', ['linux', 'linux']);
  const update = call('Not', call('Equals', ['update', 'update']));
  assert.equal(call('And', [linux, update]), false);
  assert.equal(call('And', [linux, 'true', true]), true);
  assert.equal(call('Or', [call('Equals', ['RunBatScript', 'RunShellScript']), linux]), true);
  assert.equal(call('Or', [false, 'false']), false);
  assert.equal(call('And', [true]), true);
  fails('And', [], 'Fn::And: expects a list of conditions');
  fails('Or', true, 'Fn::Or: expects a list of conditions');
  fails('And', [true, 'x'], "Fn::And: condition 2 must be true or false, got 'x'");
});

test('Select indexes lists and keys maps', () => {
  const trigger = { type: 'cron', expression: '0 0 8 ? * *', timeZone: 'Asia/Shanghai' };
  assert.equal(call('Select', ['type', trigger]), 'cron'); // [type, '{{ timerTrigger }}']
  assert.equal(call('Select', ['endDate', trigger]), null); // an optional field that is absent
  assert.equal(
    call('Select', [
      'ACS::Bastionhost::Instance',
      { 'ACS::ECS::Instance': 'ecs', 'ACS::Bastionhost::Instance': 'bastionhost' },
    ]),
    'bastionhost',
  );
  assert.equal(call('Select', [1, call('Split', [':', '21:30:00Z'])]), '30'); // [1, {Split: [':', t]}]
  assert.equal(call('Select', ['0', ['a', 'b']]), 'a');
  assert.equal(call('Select', [-1, ['a', 'b']]), 'b');
  assert.deepEqual(call('Select', [0, [{ id: 1 }]]), { id: 1 });
  assert.equal(call('Select', ['InstanceId', '{"InstanceId": "i-1", "LifecycleState": "InService"}']), 'i-1');
  assert.equal(call('Select', [1, '["a", "b"]']), 'b');
  fails('Select', [5, ['a', 'b', 'c']], 'Fn::Select: index 5 is out of range for a list of 3');
  fails('Select', [-4, ['a', 'b', 'c']], 'Fn::Select: index -4 is out of range for a list of 3');
  fails('Select', ['name', ['a']], "Fn::Select: index 'name' is not a whole number (selecting from a list)");
  fails('Select', [0, 'plain text'], "Fn::Select: expects a list or a map to select from, got 'plain text'");
  fails('Select', [0], 'Fn::Select: expects [indexOrKey, listOrMap]');
});

test('Split and Join, including the corpus cron expression', () => {
  assert.deepEqual(call('Split', [':', '21:30:00Z']), ['21', '30', '00Z']);
  assert.deepEqual(call('Split', [',', '']), ['']);
  assert.deepEqual(call('Split', ['.', 'OOSServiceRole-exec-abc']), ['OOSServiceRole-exec-abc']);
  const time = '21:30:00Z';
  const cron = call('Join', [
    ' ',
    [
      '0',
      call('Select', [1, call('Split', [':', time])]),
      call('Select', [0, call('Split', [':', time])]),
      '?',
      '*',
      '1,2,3',
    ],
  ]);
  assert.equal(cron, '0 30 21 ? * 1,2,3');
  assert.equal(call('Join', [',', ['i-1', 'i-2']]), 'i-1,i-2'); // [',', '{{ getInstanceIpAddress.Ips }}']
  assert.equal(call('Join', ['-', ['a', 1, true, { x: 1 }, ['y'], null]]), 'a-1-true-{"x":1}-["y"]-null');
  assert.equal(call('Join', [',', []]), '');
  assert.equal(call('Join', ['', '["a","b"]']), 'ab');
  fails('Join', ['-'], 'Fn::Join: expects [delimiter, list]');
  fails('Join', ['-', 'abc'], "Fn::Join: expects a list to join, got 'abc'");
  fails('Split', ['', 'abc'], 'Fn::Split: the delimiter must not be empty');
  fails('Split', [',', ['a']], 'Fn::Split: the value to split must be a string, got ["a"]');
});

test('Replace replaces every occurrence of each key', () => {
  // [{'.': '_'}, 'OOS-{{ACS::ExecutionId}}']
  assert.equal(call('Replace', [{ '.': '_' }, 'OOS-exec-1a.2b.3c']), 'OOS-exec-1a_2b_3c');
  assert.equal(call('Replace', [{ a: 'b', b: 'c' }, 'ab']), 'cc'); // keys apply one after the other
  assert.equal(call('Replace', [{ n: 1 }, 'n-n']), '1-1');
  assert.equal(call('Replace', [{}, 'same']), 'same');
  fails('Replace', [{ '': 'x' }, 'abc'], 'Fn::Replace: the text to replace must not be empty');
  fails('Replace', ['.', 'abc'], "Fn::Replace: expects a map of replacements, got '.'");
});

test('Base64Encode and Base64Decode work on UTF-8 text', () => {
  assert.equal(call('Base64Encode', 'hello'), 'aGVsbG8=');
  assert.equal(call('Base64Decode', 'aGVsbG8='), 'hello');
  assert.equal(call('Base64Decode', call('Base64Encode', '报警 & kubeconfig\n')), '报警 & kubeconfig\n');
  assert.equal(call('Base64Encode', ''), '');
  assert.equal(call('Base64Decode', 'aGVs\nbG8='), 'hello');
  fails('Base64Decode', 'not base64!', 'Fn::Base64Decode: the value is not valid base64');
  fails('Base64Encode', { a: 1 }, 'Fn::Base64Encode: the value to encode must be a string, got {"a":1}');
});

test('Jq runs a real jq; First gives the first result, All the list', async () => {
  const infos = [
    { instanceId: 'i-1', osType: 'linux' },
    { instanceId: 'i-2', osType: 'windows' },
  ];
  assert.equal(await call('Jq', ['First', '.|map(select(.instanceId == "i-2").osType)[]', infos]), 'windows');
  assert.equal(
    await call('Jq', ['First', 'contains(["ACS::ECS::Instance"])', ['ACS::ECS::Instance', 'ACS::RDS::DBInstance']]),
    true,
  );
  const groups = [{ vSwitchIds: ['vsw-1', 'vsw-2'] }, { vSwitchIds: ['vsw-3'] }];
  const all = await call('Jq', ['All', '.[].vSwitchIds', groups]);
  assert.deepEqual(all, [['vsw-1', 'vsw-2'], ['vsw-3']]);
  assert.deepEqual(call('MergeList', all), ['vsw-1', 'vsw-2', 'vsw-3']); // MergeList: {Jq: [All, ...]}
  assert.equal(await call('Jq', ['First', '.scalingConfigurationId', '{"scalingConfigurationId": "asc-1"}']), 'asc-1');
  assert.equal(await call('Jq', ['First', 'empty', []]), null);
  assert.deepEqual(await call('Jq', ['All', 'empty', []]), []);
  assert.equal(await call('Jq', ['First', 'ascii_upcase', 'i-abc']), 'I-ABC'); // text that is not JSON stays text
  await assert.rejects(async () => call('Jq', ['Last', '.', {}]), {
    message: "Fn::Jq: method must be First or All, got 'Last'",
  });
  await assert.rejects(async () => call('Jq', ['First', '.']), { message: 'Fn::Jq: expects [method, script, object]' });
  await assert.rejects(
    async () => call('Jq', ['First', '.[', {}]),
    (e: unknown) => e instanceof ExpressionError && /^Fn::Jq: /.test(e.message),
  );
});

test('ListJoin collects its arguments into a list', () => {
  const list = call('ListJoin', ['### header\n', 'row 1', { a: 1 }]);
  assert.deepEqual(list, ['### header\n', 'row 1', { a: 1 }]);
  assert.equal(call('Join', ['', call('ListJoin', ['### title\n', 'body'])]), '### title\nbody');
  assert.deepEqual(call('ListJoin', [['a'], ['b']]), [['a'], ['b']]); // no flattening
  assert.deepEqual(call('ListJoin', 'alone'), ['alone']);
  assert.deepEqual(call('ListJoin', []), []);
});

test('MergeList flattens one level', () => {
  assert.deepEqual(call('MergeList', [['a', 'b'], ['c']]), ['a', 'b', 'c']);
  assert.deepEqual(call('MergeList', [[['deep'], 1], 2]), [['deep'], 1, 2]);
  assert.deepEqual(call('MergeList', [[{ id: 1 }], []]), [{ id: 1 }]);
  assert.deepEqual(call('MergeList', []), []);
  fails('MergeList', 'abc', "Fn::MergeList: expects a list of lists, got 'abc'");
});

test('MergeMap merges maps; later keys win', () => {
  const merged = call('MergeMap', [
    {
      InstanceAttr: call('MergeMap', [
        call('MergeMap', [{ InstanceId: 'i-1' }, { SecurityGroupIds: ['sg-1'] }]),
        { PrivateIpAddresses: ['10.0.0.1'] },
      ]),
    },
    { DiskInfo: call('MergeMap', [{ DataDisk: [] }, { SystemDisk: { DiskId: 'd-1' } }]) },
  ]);
  assert.deepEqual(merged, {
    InstanceAttr: { InstanceId: 'i-1', SecurityGroupIds: ['sg-1'], PrivateIpAddresses: ['10.0.0.1'] },
    DiskInfo: { DataDisk: [], SystemDisk: { DiskId: 'd-1' } },
  });
  assert.deepEqual(call('MergeMap', [{ a: 1, b: 1 }, { b: 2 }]), { a: 1, b: 2 });
  assert.deepEqual(call('MergeMap', ['{"a": 1}', { c: 3 }]), { a: 1, c: 3 });
  assert.deepEqual(call('MergeMap', []), {});
  const odd = call('MergeMap', [JSON.parse('{"__proto__": {"x": 1}}')]) as Record<string, unknown>;
  assert.ok(Object.hasOwn(odd, '__proto__'));
  assert.equal(Object.getPrototypeOf(odd), Object.prototype);
  fails('MergeMap', [{ a: 1 }, 'text'], "Fn::MergeMap: expects item 2 to be a map, got 'text'");
});

test('MergeMapToList zips list values by index', () => {
  assert.deepEqual(call('MergeMapToList', [{ ServerId: ['i-1'] }, { Weight: [0] }]), [{ ServerId: 'i-1', Weight: 0 }]);
  assert.deepEqual(call('MergeMapToList', [{ ServerId: ['a', 'b'] }, { Weight: [1, 2] }]), [
    { ServerId: 'a', Weight: 1 },
    { ServerId: 'b', Weight: 2 },
  ]);
  assert.deepEqual(call('MergeMapToList', [{ ServerId: ['a', 'b'] }, { Weight: 100 }, { Type: 'ecs' }]), [
    { ServerId: 'a', Weight: 100, Type: 'ecs' },
    { ServerId: 'b', Weight: 100, Type: 'ecs' },
  ]);
  assert.deepEqual(
    call('MergeMapToList', [{ k1: ['a', 'b', 'c'] }, { k2: ['x'] }]), // shorter repeats its last
    [
      { k1: 'a', k2: 'x' },
      { k1: 'b', k2: 'x' },
      { k1: 'c', k2: 'x' },
    ],
  );
  assert.deepEqual(call('MergeMapToList', [{ k1: [] }, { k2: [] }]), []);
  assert.deepEqual(call('MergeMapToList', []), []);
  fails('MergeMapToList', { a: [1] }, 'Fn::MergeMapToList: expects a list of maps, got {"a":[1]}');
});

test('ConvertMapToList turns a map into Key/Value pairs', async () => {
  const tags = call('ConvertMapToList', [{ env: 'prod', team: 'ops' }]); // ['{{ oldTag }}']
  assert.deepEqual(tags, [
    { Key: 'env', Value: 'prod' },
    { Key: 'team', Value: 'ops' },
  ]);
  assert.equal(await call('Jq', ['First', '.[].Key', tags]), 'env');
  assert.deepEqual(call('ConvertMapToList', { a: 1 }), [{ Key: 'a', Value: 1 }]);
  assert.deepEqual(call('ConvertMapToList', ['{"a": "b"}']), [{ Key: 'a', Value: 'b' }]);
  assert.deepEqual(call('ConvertMapToList', [{}]), []);
  fails('ConvertMapToList', [{ a: 1 }, { b: 2 }], 'Fn::ConvertMapToList: expects a map or a list of one map');
  fails('ConvertMapToList', ['a=b'], "Fn::ConvertMapToList: expects a map, got 'a=b'");
});

test('MapJoin pairs keys with values', () => {
  assert.deepEqual(
    call('MapJoin', [
      ['a', 'b'],
      [1, { c: 2 }],
    ]),
    { a: 1, b: { c: 2 } },
  );
  assert.deepEqual(call('MapJoin', [[], []]), {});
  assert.deepEqual(call('MapJoin', [[1], ['one']]), { 1: 'one' });
  fails('MapJoin', [['a', 'b'], [1]], 'Fn::MapJoin: 2 keys but 1 values');
  fails('MapJoin', [[null], [1]], 'Fn::MapJoin: a key must be a string, got null');
});

test('Min, Max and Sum take numbers or numeric strings', () => {
  assert.equal(call('Min', [3, '10', -1.5]), -1.5);
  assert.equal(call('Max', [3, '10', -1.5]), 10);
  assert.equal(call('Max', ['007']), 7);
  assert.equal(call('Sum', [1, '2', 3.5]), 6.5); // the Loop aggregate of errorNumber
  assert.equal(call('Sum', []), 0);
  fails('Min', [], 'Fn::Min: the list is empty');
  fails('Max', ['10%', 5], "Fn::Max: item 1 must be a number, got '10%'");
  fails('Sum', [1, null], 'Fn::Sum: item 2 must be a number, got null');
  fails('Min', 5, 'Fn::Min: expects a list of numbers, got 5');
});

test('First and Last pick from a list', () => {
  assert.equal(call('Last', call('Split', ['cluster/', 'acs:cs:cn-hangzhou:123:cluster/c-abc'])), 'c-abc');
  assert.equal(call('First', ['a', 'b']), 'a');
  assert.deepEqual(call('First', [['x'], 'y']), ['x']);
  assert.equal(call('Last', '["a", "b"]'), 'b');
  fails('First', [], 'Fn::First: the list is empty');
  fails('Last', [], 'Fn::Last: the list is empty');
  fails('First', 'abc', "Fn::First: expects a list, got 'abc'");
});

test('RangeSelect slices like Python', () => {
  const dir = call('RangeSelect', [0, -1, call('Split', ['/', 'app/docker/Dockerfile'])]);
  assert.deepEqual(dir, ['app', 'docker']);
  assert.equal(call('Join', ['/', dir]), 'app/docker'); // the corpus FinalContextPath
  assert.deepEqual(call('RangeSelect', [0, -1, ['Dockerfile']]), []);
  assert.deepEqual(call('RangeSelect', [1, 10, ['a', 'b', 'c']]), ['b', 'c']);
  assert.deepEqual(call('RangeSelect', ['-2', '3', ['a', 'b', 'c']]), ['b', 'c']);
  assert.deepEqual(call('RangeSelect', [2, 1, ['a', 'b', 'c']]), []);
  assert.deepEqual(call('RangeSelect', [-10, 1, ['a', 'b']]), ['a']);
  assert.deepEqual(call('RangeSelect', [0, -1, []]), []);
  fails('RangeSelect', [0.5, 1, ['a']], 'Fn::RangeSelect: start must be a whole number, got 0.5');
  fails('RangeSelect', [0, ['a']], 'Fn::RangeSelect: expects [start, end, list]');
});

test('Intersection, Union and Difference keep the first list order', () => {
  const ids = ['i-1', 'i-2', 'i-3'];
  const leaders = ['i-3', 'i-2', 'i-9'];
  assert.deepEqual(call('Intersection', [ids, leaders]), ['i-2', 'i-3']);
  assert.deepEqual(call('Union', [ids, leaders]), ['i-1', 'i-2', 'i-3', 'i-9']);
  assert.deepEqual(call('Difference', [ids, leaders]), ['i-1', 'i-9']); // union minus intersection
  assert.deepEqual(
    call('Intersection', [
      ['a', 'b', 'c'],
      ['b', 'c'],
      ['c', 'a'],
    ]),
    ['c'],
  );
  assert.deepEqual(
    call('Difference', [
      ['a', 'b', 'c'],
      ['b', 'c'],
      ['c', 'a'],
    ]),
    ['a', 'b'],
  );
  assert.deepEqual(call('Union', [['a', 'a'], ['a']]), ['a']);
  assert.deepEqual(call('Intersection', [[{ k: 1, v: 2 }, { k: 3 }], [{ v: 2, k: 1 }]]), [{ k: 1, v: 2 }]);
  assert.deepEqual(call('Intersection', [[1, '1'], ['1']]), ['1']); // strict: 1 is not '1' here
  assert.deepEqual(call('Intersection', [[], ['a']]), []);
  assert.deepEqual(call('Union', [['a'], '["b"]']), ['a', 'b']);
  fails('Union', [], 'Fn::Union: expects a list of lists');
  fails('Intersection', [['a'], 'b'], "Fn::Intersection: expects list 2 to be a list, got 'b'");
});

test('AddHour shifts a UTC time by (possibly negative or fractional) hours', () => {
  assert.equal(call('AddHour', ['2024-03-10T05:06:07Z', call('Eval', ['-7*24'])]), '2024-03-03T05:06:07Z');
  assert.equal(call('AddHour', ['2024-03-10T05:06:07Z', -1]), '2024-03-10T04:06:07Z');
  assert.equal(call('AddHour', ['2024-12-31T23:30:00Z', 1]), '2025-01-01T00:30:00Z');
  assert.equal(call('AddHour', ['2024-03-10T05:00:00Z', '1.5']), '2024-03-10T06:30:00Z');
  assert.equal(call('AddHour', ['2024-03-10T05:00:00.789Z', 0]), '2024-03-10T05:00:00Z');
  assert.equal(call('AddHour', ['2024-03-10T08:00:00+08:00', 0]), '2024-03-10T00:00:00Z');
  assert.equal(call('AddHour', ['2024-03-10 05:00:00', 2]), '2024-03-10T07:00:00Z');
  assert.equal(call('AddHour', ['2024-03-10', 24]), '2024-03-11T00:00:00Z');
  fails(
    'AddHour',
    ['yesterday', 1],
    "Fn::AddHour: the time 'yesterday' is not an ISO-8601 time such as 2024-01-31T08:00:00Z",
  );
  fails(
    'AddHour',
    ['2024-02-30T00:00:00Z', 1],
    "Fn::AddHour: the time '2024-02-30T00:00:00Z' is not an ISO-8601 time such as 2024-01-31T08:00:00Z",
  );
  fails('AddHour', ['2024-03-10T05:00:00Z', 'two'], "Fn::AddHour: hours must be a number, got 'two'");
  fails('AddHour', ['2024-03-10T05:00:00Z'], 'Fn::AddHour: expects [utcTime, hours]');
});

test('FormatUTCTime formats with strftime directives', () => {
  const t = '2024-03-03T05:06:07.25Z';
  assert.equal(
    call('FormatUTCTime', [call('AddHour', ['2024-03-10T05:06:07Z', -168]), '%Y-%m-%dT00:00Z']),
    '2024-03-03T00:00Z',
  );
  assert.equal(
    call('FormatUTCTime', [call('AddHour', ['2024-03-10T05:06:07Z', 1]), '%Y-%m-%dT%H:%MZ']),
    '2024-03-10T06:06Z',
  );
  assert.equal(
    call('FormatUTCTime', [t, '%y|%j|%a|%A|%b|%B|%p|%I|%S|%f|%z|%Z|%%']),
    '24|063|Sun|Sunday|Mar|March|AM|05|07|250000|+0000|UTC|%',
  );
  assert.equal(call('FormatUTCTime', ['2024-12-31T00:00:00Z', '%j %I%p']), '366 12AM');
  assert.equal(call('FormatUTCTime', ['2024-07-01T13:00:00Z', '%I %p']), '01 PM');
  assert.equal(call('FormatUTCTime', [t, 'no directives']), 'no directives');
  fails('FormatUTCTime', [t, '%Y %q'], 'Fn::FormatUTCTime: unsupported directive %q');
  fails('FormatUTCTime', [t, '100%'], 'Fn::FormatUTCTime: unsupported directive %');
});

test('Eval computes arithmetic and comparisons with a hand-written parser', () => {
  assert.equal(call('Eval', ['-7*24']), -168); // ['-{{ expiredDays }}*24']
  assert.equal(call('Eval', '1 + 2 * 3'), 7);
  assert.equal(call('Eval', '(1 + 2) * 3'), 9);
  assert.equal(call('Eval', '7 / 2'), 3.5);
  assert.equal(call('Eval', '7 // 2'), 3);
  assert.equal(call('Eval', '-7 % 3'), 2);
  assert.equal(call('Eval', '2 ** 3 ** 2'), 512);
  assert.equal(call('Eval', '-2 ** 2'), -4);
  assert.equal(call('Eval', '2 ** -1'), 0.5);
  assert.equal(call('Eval', '1.5e2 + .5'), 150.5);
  assert.equal(call('Eval', '3 > 2 && !(1 == 2) || false'), true);
  assert.equal(call('Eval', '10 <= 9'), false);
  assert.equal(call('Eval', 'True != false'), true);
  assert.equal(call('Eval', [5]), 5);
  fails('Eval', ['__import__("os")'], "Fn::Eval: unexpected token '__import__' at position 0 in '__import__(\"os\")'");
  fails('Eval', ['1 + x'], "Fn::Eval: unexpected token 'x' at position 4 in '1 + x'");
  fails('Eval', ['1 +'], "Fn::Eval: unexpected end of expression in '1 +'");
  fails('Eval', ['(1'], "Fn::Eval: unexpected end of expression in '(1'");
  fails('Eval', ['1 2'], "Fn::Eval: unexpected token '2' at position 2 in '1 2'");
  fails('Eval', ['"a"'], "Fn::Eval: unexpected token '\"' at position 0 in '\"a\"'");
  fails('Eval', ['1 / 0'], "Fn::Eval: division by zero in '1 / 0'");
  fails('Eval', ['true + 1'], "Fn::Eval: '+' needs numbers, got true in 'true + 1'");
  fails('Eval', ['10 ** 400'], "Fn::Eval: '10 ** 400' does not give a finite number");
  fails('Eval', [{}], 'Fn::Eval: expects [expression]');
});

test('DurationBetween gives an ISO-8601 duration for ACS::Sleep', () => {
  assert.equal(call('DurationBetween', ['08:00', '15:30']), 'PT7H30M');
  assert.equal(call('DurationBetween', ['21:00:00Z', '08:30:00Z']), 'PT11H30M'); // [dailyStopTime, dailyStartTime]
  assert.equal(call('DurationBetween', ['08:00:00+0800', '09:00:00Z']), 'PT9H');
  assert.equal(call('DurationBetween', ['10:00:00', '10:00:05']), 'PT5S');
  assert.equal(call('DurationBetween', ['10:00', '10:00']), 'PT0S');
  assert.equal(call('DurationBetween', ['2024-01-01T00:00:00Z', '2024-01-02T01:00:30Z']), 'PT25H30S');
  fails(
    'DurationBetween',
    ['2024-01-02T00:00:00Z', '2024-01-01T00:00:00Z'],
    "Fn::DurationBetween: end '2024-01-01T00:00:00Z' is before start '2024-01-02T00:00:00Z'",
  );
  fails(
    'DurationBetween',
    ['08:00', '2024-01-01T00:00:00Z'],
    'Fn::DurationBetween: expects two times of day or two full times, not one of each',
  );
  fails('DurationBetween', ['25:00', '08:00'], "Fn::DurationBetween: start '25:00' is not a time of day");
  fails(
    'DurationBetween',
    ['noon', '08:00'],
    "Fn::DurationBetween: start 'noon' is not an ISO-8601 time such as 2024-01-31T08:00:00Z",
  );
});

test('CalculateBatch splits items into even batches, larger first', () => {
  const ids = Array.from({ length: 12 }, (_, i) => `i-${i}`);
  // ['{{ batchNumber }}', '{{ getInstance.instanceIds }}']
  assert.deepEqual(call('CalculateBatch', [5, ids]), [3, 3, 2, 2, 2]);
  assert.deepEqual(call('CalculateBatch', ['3', ids]), [4, 4, 4]);
  assert.deepEqual(call('CalculateBatch', [5, ['i-1', 'i-2']]), [1, 1]); // no empty batches
  assert.deepEqual(call('CalculateBatch', [5, []]), []);
  assert.deepEqual(call('CalculateBatch', [1, [{ InstanceId: 'i-1' }, { InstanceId: 'i-2' }]]), [2]);
  fails('CalculateBatch', [0, ids], 'Fn::CalculateBatch: batchNumber must be at least 1, got 0');
  fails('CalculateBatch', ['20%', ids], "Fn::CalculateBatch: batchNumber must be a whole number, got '20%'");
  fails('CalculateBatch', [2, 'i-1'], "Fn::CalculateBatch: expects a list of items, got 'i-1'");
});

test('Sub replaces ${name} and leaves ${!Literal} and $shell variables', () => {
  assert.equal(
    call('Sub', ['.|{"Package": "${package}", "PackageResult": .commandOutput}', { package: 'nginx' }]),
    '.|{"Package": "nginx", "PackageResult": .commandOutput}',
  );
  const script =
    'docker build -f Dockerfile -t $current_image_version ${FinalContextPath}\ndocker push $current_image_version';
  assert.equal(
    call('Sub', [script, { FinalContextPath: 'app/docker' }]),
    'docker build -f Dockerfile -t $current_image_version app/docker\ndocker push $current_image_version',
  );
  assert.equal(call('Sub', ['echo ${!HOME} ${ n }', { n: 3 }]), 'echo ${HOME} 3');
  assert.equal(call('Sub', ['${a}/${a}', { a: ['x'] }]), '["x"]/["x"]');
  assert.equal(call('Sub', ['plain']), 'plain');
  fails('Sub', ['${missing}', {}], 'Fn::Sub: no value for ${missing}');
  fails('Sub', ['${a}', 'a=1'], "Fn::Sub: expects a map of variables, got 'a=1'");
  fails('Sub', [], 'Fn::Sub: expects [template, {name: value}]');
});

test('ContainsSubString checks for a substring', () => {
  assert.equal(call('ContainsSubString', ['app/Dockerfile', '/']), true); // ['{{ dockerFilePath }}', /]
  assert.equal(call('ContainsSubString', ['Dockerfile', '/']), false);
  assert.equal(call('ContainsSubString', ['abc', '']), true);
  fails('ContainsSubString', ['abc'], 'Fn::ContainsSubString: expects [string, substring]');
});

test('Escape makes text safe inside single quotes of a shell', () => {
  assert.equal(call('Escape', ["-Name 'it''s' ‘x’", 'powershell']), "-Name ''it''''s'' ‘‘x’’");
  assert.equal(call('Escape', ["it's", 'PowerShell']), "it''s");
  assert.equal(call('Escape', ["it's $HOME", 'bash']), "it'\\''s $HOME");
  assert.equal(call('Escape', ["'", 'shell']), "'\\''");
  assert.equal(call('Escape', ['', 'bash']), '');
  fails('Escape', ['x', 'cmd'], "Fn::Escape: unsupported shell 'cmd' (expected powershell, bash or shell)");
});

test('IsIpInCIDR checks IPv4 and IPv6 membership', () => {
  assert.equal(call('IsIpInCIDR', ['192.168.1.10', '192.168.1.0/24']), true);
  assert.equal(call('IsIpInCIDR', ['192.168.2.10', '192.168.1.0/24']), false);
  assert.equal(call('IsIpInCIDR', ['10.1.2.3', '0.0.0.0/0']), true);
  assert.equal(call('IsIpInCIDR', ['10.0.0.1', '10.0.0.1']), true);
  assert.equal(call('IsIpInCIDR', ['2001:db8::1', '2001:db8::/32']), true);
  assert.equal(call('IsIpInCIDR', ['2001:db9::1', '2001:db8::/32']), false);
  assert.equal(call('IsIpInCIDR', ['10.0.0.1', '::/0']), false);
  fails('IsIpInCIDR', ['10.0.0.256', '10.0.0.0/8'], "Fn::IsIpInCIDR: '10.0.0.256' is not an IP address");
  fails('IsIpInCIDR', ['10.0.0.1', '10.0.0.0/33'], "Fn::IsIpInCIDR: '10.0.0.0/33' is not a CIDR block");
  fails('IsIpInCIDR', ['10.0.0.1'], 'Fn::IsIpInCIDR: expects [ip, cidr]');
});

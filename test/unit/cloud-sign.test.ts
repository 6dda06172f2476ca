import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rpcParams } from '../../src/cloud/client.js';
import { findService } from '../../src/cloud/endpoints.js';
import {
  canonicalQuery,
  percentEncode,
  roaStringToSign,
  rpcStringToSign,
  rpcTimestamp,
  signRoa,
  signRpc,
} from '../../src/cloud/sign.js';
import { DOC_PARAMS, DOC_SECRET, DOC_SIGNATURE } from '../fixtures/rpc-signature-example.js';

test('the RPC signature of the documentation example', () => {
  assert.equal(
    rpcStringToSign('GET', DOC_PARAMS),
    'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1' +
      '%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0' +
      '%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
  );
  assert.equal(signRpc('GET', DOC_PARAMS, DOC_SECRET), DOC_SIGNATURE);
  assert.notEqual(signRpc('POST', DOC_PARAMS, DOC_SECRET), DOC_SIGNATURE, 'the method is signed');
});

test('percent-encoding follows the API, not encodeURIComponent', () => {
  assert.equal(percentEncode("a b*c~d!'()"), 'a%20b%2Ac~d%21%27%28%29');
  assert.equal(percentEncode('2016-02-23T12:46:24Z'), '2016-02-23T12%3A46%3A24Z');
  assert.equal(percentEncode('中'), '%E4%B8%AD');
  assert.equal(canonicalQuery({ b: '2', a: 'x y', 'Tag.1.Key': 'env' }), 'Tag.1.Key=env&a=x%20y&b=2');
});

test('Timestamp is UTC without milliseconds', () => {
  assert.equal(rpcTimestamp(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678))), '2026-01-02T03:04:05Z');
});

test('ROA string to sign and signature (the cases of @alicloud/pop-core)', () => {
  assert.equal(roaStringToSign('GET', '/', {}, { accept: 'application/json' }), 'GET\napplication/json\n\n\n\n/');
  assert.equal(
    roaStringToSign(
      'GET',
      '/',
      {},
      { accept: 'application/json', 'content-md5': 'md5', 'content-type': 'application/json', date: 'date' },
    ),
    'GET\napplication/json\nmd5\napplication/json\ndate\n/',
  );
  assert.equal(
    roaStringToSign(
      'POST',
      '/clusters/c1',
      { b: '2', a: '1' },
      { accept: 'application/json', 'x-acs-version': '2015-12-15', 'x-acs-b': ' v ' },
    ),
    'POST\napplication/json\n\n\n\nx-acs-b:v\nx-acs-version:2015-12-15\n/clusters/c1?a=1&b=2',
  );
  assert.equal(signRoa('stringtosign', 'accessKeySecret'), '9/j11e+L9jW8mC9eUA23Wn3c0fs=');
});

test('template Parameters on the RPC wire: JSON text where the API wants it, repeat lists elsewhere', () => {
  const ecs = findService('ecs');
  assert.deepEqual(
    rpcParams(ecs, 'DescribeInstances', {
      RegionId: 'cn-hangzhou',
      InstanceIds: ['i-1', 'i-2'],
      Tags: [{ Key: 'env', Value: 'prod' }],
      PageSize: 100,
      DryRun: false,
      Skip: null,
    }),
    {
      RegionId: 'cn-hangzhou',
      InstanceIds: '["i-1","i-2"]',
      'Tag.1.Key': 'env',
      'Tag.1.Value': 'prod',
      PageSize: '100',
      DryRun: 'false',
    },
  );
  assert.deepEqual(rpcParams(ecs, 'RunCommand', { InstanceIds: ['i-1', 'i-2'] }), {
    'InstanceId.1': 'i-1',
    'InstanceId.2': 'i-2',
  });
  assert.deepEqual(rpcParams(ecs, 'TagResources', { ResourceIds: ['i-1'], Tag: [{ Key: 'a', Value: 'b' }] }), {
    'ResourceId.1': 'i-1',
    'Tag.1.Key': 'a',
    'Tag.1.Value': 'b',
  });
  assert.deepEqual(rpcParams(ecs, 'DescribeImages', { Filter: [{ Key: 'CreationStartTime', Value: ['x', 'y'] }] }), {
    'Filter.1.Key': 'CreationStartTime',
    'Filter.1.Value.1': 'x',
    'Filter.1.Value.2': 'y',
  });
  assert.deepEqual(rpcParams(findService('ESS'), 'SetInstancesProtection', { InstanceIds: ['i-1'] }), {
    'InstanceIds.1': 'i-1',
  });
  assert.deepEqual(
    rpcParams(findService('SLB'), 'SetBackendServers', { BackendServers: [{ ServerId: 'i-1', Weight: '100' }] }),
    { BackendServers: '[{"ServerId":"i-1","Weight":"100"}]' },
  );
  assert.deepEqual(rpcParams(findService('OOS'), 'StartExecution', { Parameters: { a: 1 } }), {
    Parameters: '{"a":1}',
  });
});

test('services are found whatever their case; an unknown one is named', () => {
  assert.equal(findService('Ecs').version, '2014-05-26');
  assert.equal(findService('ECS').endpoint('cn-beijing'), 'ecs.cn-beijing.aliyuncs.com');
  assert.equal(findService('r-kvstore').name, 'R-KVSTORE');
  assert.equal(findService('ROS').version, '2019-09-10');
  assert.equal(findService('oos').version, '2019-06-01');
  assert.equal(findService('RDS').endpoint('cn-hangzhou'), 'rds.aliyuncs.com');
  assert.equal(findService('RDS').endpoint('eu-central-1'), 'rds.eu-central-1.aliyuncs.com');
  assert.throws(() => findService('NoSuch'), /unknown Alibaba Cloud service "NoSuch"/);
  assert.throws(() => findService('OSS'), /OSS uses its own signature/);
});

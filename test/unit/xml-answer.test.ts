import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toXml } from '../../src/http/api/xml.js';

test('a map key from user input cannot open or close elements of an XML answer', () => {
  // A parameter name is the caller's text; as an element name it could forge a field of the answer.
  const xml = toXml('ListExecutionsResponse', {
    Executions: [{ Status: 'Waiting', Parameters: { 'a></Parameters><Status>Success</Status><x': '1', ok_name: 'v' } }],
  });
  assert.equal((xml.match(/<Status>/g) ?? []).length, 1, xml);
  assert.match(xml, /<Status>Waiting<\/Status>/);
  assert.match(xml, /<ok_name>v<\/ok_name>/);
  assert.match(xml, /<item name="a&gt;&lt;\/Parameters&gt;&lt;Status&gt;Success&lt;\/Status&gt;&lt;x">1<\/item>/);
});

test('text is escaped and a list repeats its element', () => {
  assert.equal(toXml('R', { L: ['<a>', 'b&c'] }), '<R>\n    <L>&lt;a&gt;</L>\n    <L>b&amp;c</L>\n</R>');
});

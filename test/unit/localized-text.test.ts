import assert from 'node:assert/strict';
import { it } from 'node:test';
import { localizedText } from '../../src/template/localized.js';

it("shows a template's localized text in the reader's language, else English, else its first", () => {
  const d = { en: 'Restart instances', 'zh-cn': '重启实例' };
  assert.equal(localizedText(d, 'zh-CN'), '重启实例');
  assert.equal(localizedText(d, 'en'), 'Restart instances');
  assert.equal(localizedText({ 'name-en': 'Old style' }, 'zh-CN'), 'Old style');
  assert.equal(localizedText({ ja: 'テスト' }, 'en'), 'テスト');
  assert.equal(localizedText('plain', 'zh-CN'), 'plain');
  assert.equal(localizedText(undefined, 'en'), '');
});

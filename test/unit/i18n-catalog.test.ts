import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { en, zhCN } from '../../src/i18n/catalog/index.js';
import { formatTime, pickLocale, t, toLocale, fromAcceptLanguage } from '../../src/i18n/index.js';

/** The names a message's placeholders take, at every depth of its plurals and selects. */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const e of elements) {
    if (e.type === TYPE.argument || e.type === TYPE.number || e.type === TYPE.date || e.type === TYPE.time) {
      into.add(e.value);
    }
    if (e.type === TYPE.plural || e.type === TYPE.select) {
      into.add(e.value);
      for (const option of Object.values(e.options)) argumentsOf(option.value, into);
    }
    if (e.type === TYPE.tag) argumentsOf(e.children, into);
  }
  return into;
}

const catalogues = { en, 'zh-CN': zhCN } as Record<string, Record<string, Record<string, string>>>;

describe('the message catalogue', () => {
  it('has every key of every namespace in both languages, and no other', () => {
    for (const ns of Object.keys(en)) {
      assert.deepEqual(
        Object.keys(catalogues['zh-CN']![ns]!).sort(),
        Object.keys(catalogues.en![ns]!).sort(),
        `namespace ${ns}: keys differ between en and zh-CN`,
      );
    }
    assert.deepEqual(Object.keys(zhCN).sort(), Object.keys(en).sort());
  });

  it('parses every message as ICU, with the same placeholders in both languages', () => {
    for (const [ns, messages] of Object.entries(catalogues.en!)) {
      for (const [key, english] of Object.entries(messages)) {
        const chinese = catalogues['zh-CN']![ns]![key]!;
        const a = argumentsOf(parse(english, { ignoreTag: true }));
        const b = argumentsOf(parse(chinese, { ignoreTag: true }));
        assert.deepEqual([...b].sort(), [...a].sort(), `${ns}:${key}: placeholders differ`);
      }
    }
  });

  it('is translated: every zh-CN message that has words has Chinese in it', () => {
    for (const [ns, messages] of Object.entries(catalogues['zh-CN']!)) {
      for (const [key, text] of Object.entries(messages)) {
        const words = text.replace(/\{[^{}]*\}/g, '').replace(/\{[^{}]*\}/g, '');
        if (/[A-Za-z]{3,}/.test(words) || /[\u3400-\u9fff]/.test(text)) {
          assert.match(text, /[\u3400-\u9fff]/, `${ns}:${key} is not translated: ${text}`);
        }
      }
    }
  });

  it('renders plurals, selects and nested messages in the reader language', () => {
    assert.equal(
      t('en', 'common:templateNotFound', { name: 'hello', version: 'v2' }),
      'template hello v2 does not exist',
    );
    assert.equal(
      t('en', 'common:templateNotFound', { name: 'hello', version: 'none' }),
      'template hello does not exist',
    );
    assert.equal(t('zh-CN', 'common:status', { status: 'Running' }), '运行中');
    assert.equal(t('en', 'common:status', { status: 'Odd' }), 'Odd');
  });
});

describe('the reader language', () => {
  it('takes the first tag opsgate speaks', () => {
    assert.equal(toLocale('zh_CN'), 'zh-CN');
    assert.equal(toLocale('zh-Hans-CN'), 'zh-CN');
    assert.equal(toLocale('en-US'), 'en');
    assert.equal(toLocale('ja-JP'), undefined);
    assert.equal(pickLocale(undefined, 'ja', 'zh'), 'zh-CN');
    assert.equal(pickLocale(), 'en');
    assert.equal(fromAcceptLanguage('ja;q=1, zh-CN;q=0.8, en;q=0.5'), 'zh-CN');
    assert.equal(fromAcceptLanguage('fr'), undefined);
  });

  it('shows times in the reader zone, naming it', () => {
    const when = '2026-11-27T22:01:36Z';
    assert.equal(formatTime(when, 'en', 'UTC'), 'Nov 27, 2026, 10:01:36 PM UTC');
    assert.equal(formatTime(when, 'zh-CN', 'Asia/Shanghai'), '2026年11月28日 GMT+8 06:01:36');
    assert.equal(formatTime(when, 'en', 'Not/AZone'), 'Nov 27, 2026, 10:01:36 PM UTC');
  });
});

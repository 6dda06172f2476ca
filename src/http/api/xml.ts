/**
 * Alibaba Cloud's XML answers (Format=XML): the JSON answer as elements under <ActionResponse>,
 * a list as its element repeated, text escaped.
 */
const escapeXml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** An XML name that is plainly one; a map key (a parameter's name, a tag) may be anything. */
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,199}$/;

function element(name: string, value: unknown, indent: string): string {
  if (Array.isArray(value)) return value.map((v) => element(name, v, indent)).join('');
  // Any other key is an attribute's value, escaped: as an element name it could close or forge elements.
  if (!XML_NAME.test(name))
    return element('item', value, indent).replace(/^(\s*)<item>/, `$1<item name="${escapeXml(name)}">`);
  if (value && typeof value === 'object') {
    const inner = Object.entries(value)
      .map(([k, v]) => element(k, v, `${indent}    `))
      .join('');
    return `${indent}<${name}>\n${inner}${indent}</${name}>\n`;
  }
  return `${indent}<${name}>${escapeXml(value === null || value === undefined ? '' : String(value))}</${name}>\n`;
}

/** `body` as XML under `root` (`StartExecutionResponse`, or `Error` for a refusal). */
export function toXml(root: string, body: Record<string, unknown>): string {
  return element(root, body, '').trimEnd();
}

/**
 * Alibaba Cloud's XML answers (Format=XML): the JSON answer as elements under <ActionResponse>,
 * a list as its element repeated, text escaped.
 */
const escapeXml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

function element(name: string, value: unknown, indent: string): string {
  if (Array.isArray(value)) return value.map((v) => element(name, v, indent)).join('');
  if (value && typeof value === 'object') {
    const inner = Object.entries(value)
      .map(([k, v]) => element(k, v, `${indent}    `))
      .join('');
    return `${indent}<${name}>\n${inner}${indent}</${name}>\n`;
  }
  return `${indent}<${name}>${escapeXml(value === null || value === undefined ? '' : String(value))}</${name}>\n`;
}

export function toXml(action: string, body: Record<string, unknown>): string {
  return element(`${action}Response`, body, '').trimEnd();
}

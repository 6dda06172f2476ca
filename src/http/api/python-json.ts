/**
 * JSON text as OOS writes it in its answers (Python's json.dumps): `", "` and `": "` separators and
 * non-ASCII kept, e.g. GetTemplate's Description `{"en": "Creates an ECS image", ...}`.
 */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}

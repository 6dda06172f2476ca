/**
 * Secrets out of everything shown: values of keys that name a secret (Password, Secret, Token,
 * AccessKey...) and the secret query values of URLs (access_token, sign, ...) become ******.
 */
const SECRET_KEY = /pass(word)?|secret|token|accesskey|signature|^sign$/i;
const SECRET_QUERY = /([?&](?:access_token|sign|secret|token|key|signature)=)[^&#\s"']*/gi;

export function maskText(s: string): string {
  return s.replace(SECRET_QUERY, '$1******');
}

export function maskSecrets<T>(value: T): T {
  if (typeof value === 'string') return maskText(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) && v !== undefined && v !== '' ? '******' : maskSecrets(v)])) as T;
  }
  return value;
}

// The effective configuration as MLflow params: one dotted key per leaf (`preprocessing.alignment.detector`),
// lists as JSON, so runs can be filtered and compared key by key.
export function flattenParams(value: unknown, prefix: string): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { [prefix]: Array.isArray(value) ? JSON.stringify(value) : String(value) };
  return Object.assign({}, ...Object.entries(value).map(([key, child]) => flattenParams(child, `${prefix}.${key}`))) as Record<string, string>;
}

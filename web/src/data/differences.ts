// "Differences only" in the compare table: keep the rows whose value is not the same in every run.

type Value = string | number | undefined;

/** Params are strings in MLflow, so "0.001" and "1e-3" are the same learning rate. */
function same(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const na = Number(a);
  const nb = Number(b);
  return String(a).trim() !== '' && String(b).trim() !== '' && Number.isFinite(na) && na === nb;
}

/** The keys (in the given order) whose values differ across the records; a missing value is a difference. */
export function differingKeys(records: readonly Readonly<Record<string, Value>>[], keys: readonly string[]): string[] {
  if (records.length < 2) return [];
  return keys.filter((key) => {
    const first = records[0]![key];
    return records.some((record) => !same(first, record[key]));
  });
}

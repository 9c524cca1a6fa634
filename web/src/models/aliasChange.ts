// What setting or removing an alias would change, said before it happens (the confirmation dialog).
export type AliasChange =
  | { kind: 'set'; alias: string; to: string }
  | { kind: 'move'; alias: string; from: string; to: string }
  | { kind: 'remove'; alias: string; from: string }
  | { kind: 'none'; alias: string; to: string };

export const SUGGESTED_ALIASES = ['production', 'staging'];

/** `current`: the model's aliases now; `to`: the version the alias should point at, or null to remove it. */
export function aliasChange(current: readonly { alias: string; version: string }[], alias: string, to: string | null): AliasChange {
  const from = current.find((a) => a.alias === alias)?.version;
  if (to === null) {
    if (from === undefined) throw new Error(`alias ${alias} is not set`);
    return { kind: 'remove', alias, from };
  }
  if (from === undefined) return { kind: 'set', alias, to };
  return from === to ? { kind: 'none', alias, to } : { kind: 'move', alias, from, to };
}

export function describeAliasChange(change: AliasChange, model: string): string {
  switch (change.kind) {
    case 'set':
      return `Set alias "${change.alias}" of ${model} to version ${change.to} (it is not set now).`;
    case 'move':
      return `Move alias "${change.alias}" of ${model} from version ${change.from} to version ${change.to}.`;
    case 'remove':
      return `Remove alias "${change.alias}" of ${model} from version ${change.from}; no version will be "${change.alias}".`;
    case 'none':
      return `Alias "${change.alias}" of ${model} already points at version ${change.to}; nothing changes.`;
  }
}

/** MLflow's rule for alias names, checked before asking the server (which says the same). */
export function aliasProblem(alias: string): string | null {
  if (alias === '') return 'Type an alias name.';
  if (alias.length > 255) return 'An alias is at most 255 characters.';
  if (!/^[\w-]+$/.test(alias)) return 'Use letters, digits, _ and - only.';
  if (alias.toLowerCase() === 'latest') return '"latest" is reserved by MLflow.';
  if (/^v\d+$/i.test(alias)) return `"${alias}" would read as a version number.`;
  return null;
}

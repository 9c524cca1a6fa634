// MLflow's ViewType: which lifecycle stages a search sees.
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export function stagesOf(view: ViewType): string[] {
  return view === 'ACTIVE_ONLY' ? ['active'] : view === 'DELETED_ONLY' ? ['deleted'] : ['active', 'deleted'];
}

/** A protobuf ViewType by name or number; undefined when it is neither (callers differ on that, as MLflow's do). */
export function viewTypeOf(value: string | number): ViewType | undefined {
  const byNumber: Record<string, ViewType> = { '1': 'ACTIVE_ONLY', '2': 'DELETED_ONLY', '3': 'ALL' };
  if (typeof value === 'number' || /^\d+$/.test(value)) return byNumber[String(value)];
  return (['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const).find((v) => v === value);
}

// The <option>s of a registered-model picker: one placeholder (what an empty choice means here), then every model.
import type { RegisteredModel } from '../api/types.ts';

export function ModelOptions({ models, placeholder }: { models: readonly RegisteredModel[] | undefined; placeholder: string }) {
  return (
    <>
      <option value="">{placeholder}</option>
      {(models ?? []).map((m) => (
        <option key={m.name} value={m.name}>
          {m.name}
        </option>
      ))}
    </>
  );
}

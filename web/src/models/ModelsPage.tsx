// /models lists the registered models; /models/:name shows one: versions, aliases, promotion history.
import { ModelDetail } from './ModelDetail.tsx';
import { ModelList } from './ModelList.tsx';
import '../ui/pages.css';
import './models.css';

export function ModelsPage({ name }: { name?: string }) {
  return name === undefined ? <ModelList /> : <ModelDetail name={name} />;
}

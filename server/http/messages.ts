// MLflow's standard texts for a bad or missing request field (mlflow/utils/validation.py).
import { pyJsonDumps } from './python-format.ts';

export function invalidValueMessage(path: string, value: unknown, detail?: string): string {
  return detail === undefined ? `Invalid value ${pyJsonDumps(value)} for parameter '${path}' supplied.` : `Invalid value ${pyJsonDumps(value)} for parameter '${path}' supplied: ${detail}`;
}

export const missingValueMessage = (path: string) => `Missing value for required parameter '${path}'.`;

/** The suffix MLflow's request validation appends to both messages. */
export const API_DOCS_HINT = ' See the API docs for more information about request parameters.';

// A dashboard job as the API returns it (the contract in notes/dashboard.md).

export type JobStatus = 'QUEUED' | 'RUNNING' | 'FINISHED' | 'FAILED';

export interface ValidateParams {
  input_dir: string;
  run_id?: string;
  model_uri?: string;
}

export interface JobProgress {
  done: number;
  total: number;
  stage: string;
}

export interface Job {
  job_id: string;
  kind: 'validate';
  status: JobStatus;
  params: ValidateParams;
  progress: JobProgress;
  error: string | null;
  /** The validation runs the job created. */
  result_run_ids: string[];
  log_tail: string;
  created_time: number;
  updated_time: number;
}

export const isFinal = (status: JobStatus): boolean => status === 'FINISHED' || status === 'FAILED';

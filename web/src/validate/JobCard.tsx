// One validation job: what it validates, live progress with the current stage, and, when it ends,
// either the link to its result (the validation run's plots) or its error with the log's tail.
import type { Job } from '../api/types.ts';
import { href, Link } from '../router.ts';
import { formatDuration, formatTime } from '../ui/format.ts';
import { isActive } from './useJobs.ts';

function ProgressBar({ job }: { job: Job }) {
  const { done, total, stage } = job.progress;
  const fraction = total > 0 ? Math.min(1, done / total) : null;
  return (
    <div className="job-progress" data-testid="job-progress">
      <div className={`progress-track${fraction === null ? ' indeterminate' : ''}`} role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done}>
        <div className="progress-fill" style={{ width: fraction === null ? undefined : `${(fraction * 100).toFixed(1)}%` }} />
      </div>
      <span className="job-stage" data-testid="job-stage">
        {stage || (job.status === 'QUEUED' ? 'queued' : 'starting')}
        {total > 0 && ` — ${done}/${total}`}
      </span>
    </div>
  );
}

export function JobCard({ job }: { job: Job }) {
  const weights = job.params.run_id ? (
    <>
      run <Link to={`/runs/${job.params.run_id}`}>{job.params.run_id.slice(0, 8)}</Link>
    </>
  ) : (
    <code>{job.params.model_uri}</code>
  );
  const results = job.result_run_ids;
  return (
    <div className={`panel job-card job-${job.status}`} data-testid="job" data-job-id={job.job_id} data-status={job.status}>
      <div className="toolbar">
        <strong className={`status-${job.status}`} data-testid="job-status">
          {job.status}
        </strong>
        <span>Validate {weights}</span>
        <span>
          on <code>{job.params.input_dir}</code>
        </span>
        <span className="spacer" />
        <span className="muted">
          {formatTime(job.created_time)} · {formatDuration(job.created_time, isActive(job) ? null : job.updated_time)}
        </span>
      </div>
      {isActive(job) && <ProgressBar job={job} />}
      {job.status === 'FINISHED' && (
        <div className="job-result">
          {results.length === 0 ? (
            <span className="muted">Finished without a validation run (no type folder matched the model?). See the log below.</span>
          ) : (
            <>
              <Link to={href('/validations', { sel: results.join(',') })} className="button-link primary" data-testid="job-result">
                Open the result{results.length > 1 ? `s (${results.length})` : ''}
              </Link>
              {results.map((id) => (
                <Link key={id} to={`/runs/${id}`} className="muted">
                  run {id.slice(0, 8)}
                </Link>
              ))}
            </>
          )}
        </div>
      )}
      {job.status === 'FAILED' && (
        <div className="error-banner" role="alert" data-testid="job-error">
          <span className="error-message">{job.error ?? 'The job failed without a message.'}</span>
        </div>
      )}
      {job.log_tail && (job.status === 'FAILED' || job.status === 'FINISHED') && (
        <details open={job.status === 'FAILED'}>
          <summary className="muted">Log (last lines)</summary>
          <pre className="job-log" data-testid="job-log">
            {job.log_tail}
          </pre>
        </details>
      )}
    </div>
  );
}

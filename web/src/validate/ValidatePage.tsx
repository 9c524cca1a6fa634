// Validate chosen weights on a folder of new images: the server runs `pixal validate` as a job, its
// progress shows live here, and the result opens in the validation gallery. Jobs survive a reload.
import { useCallback, useEffect, useState } from 'react';
import { startValidation } from '../api/client.ts';
import type { ApiError } from '../api/types.ts';
import { toApiError } from '../api/useApi.ts';
import { useRoute } from '../router.ts';
import { ErrorBanner } from '../ui/ErrorBanner.tsx';
import { useMirrorReadOnly } from '../mirror/useMirror.ts';
import { Spinner } from '../ui/Spinner.tsx';
import { FolderBrowser } from './FolderBrowser.tsx';
import { JobCard } from './JobCard.tsx';
import { useJobs } from './useJobs.ts';
import { WeightsChooser, type WeightsMode } from './WeightsChooser.tsx';
import '../ui/pages.css';
import './validate.css';

export function ValidatePage() {
  const { query } = useRoute();
  const runId = query.get('run')?.trim() ?? '';
  const modelUri = query.get('model')?.trim() ?? '';
  const dir = query.get('dir')?.trim() ?? '';
  const [mode, setMode] = useState<WeightsMode>(modelUri && !runId ? 'alias' : 'run');
  // A link that names weights (?run= from the runs table, ?model= from a model page) picks the tab.
  useEffect(() => {
    if (runId) setMode('run');
    else if (modelUri) setMode('alias');
  }, [runId, modelUri]);
  const [weightsValid, setWeightsValid] = useState(false);
  const onValid = useCallback((valid: boolean) => setWeightsValid(valid), []);
  const [launching, setLaunching] = useState(false);
  const [launchError, setLaunchError] = useState<ApiError | null>(null);
  const { jobs, error: jobsError, reload, add } = useJobs();

  const weights = mode === 'run' ? (runId ? { run_id: runId } : null) : modelUri ? { model_uri: modelUri } : null;
  // A mirror's jobs log to the remote: none can start while it is away.
  const readOnly = useMirrorReadOnly();
  const canLaunch = !!weights && weightsValid && dir !== '' && !launching && readOnly === null;

  const launch = async () => {
    if (!weights) return;
    setLaunching(true);
    setLaunchError(null);
    try {
      add(await startValidation({ input_dir: dir, ...weights }));
    } catch (e) {
      setLaunchError(toApiError(e));
    } finally {
      setLaunching(false);
    }
  };

  return (
    <div className="page validate-page" data-testid="validate-page">
      <h2>Validate a model on new images</h2>
      <section className="panel validate-section">
        <h3>1. Weights</h3>
        <WeightsChooser mode={mode} onMode={setMode} runId={runId} modelUri={modelUri} onValid={onValid} />
      </section>
      <section className="panel validate-section">
        <h3>2. Images</h3>
        <p className="hint">A component folder on the server's machine holding one folder per type (front/, back/), plain images or the MVTec layout (good/, scratch/…).</p>
        <FolderBrowser dir={dir} />
      </section>
      <section className="validate-launch toolbar">
        <button type="button" className="primary" disabled={!canLaunch} title={readOnly ?? undefined} onClick={() => void launch()} data-testid="validate-launch">
          {launching ? 'Starting…' : 'Validate'}
        </button>
        <span className="hint" data-testid="validate-summary">
          {weights ? (mode === 'run' ? `run ${runId}` : modelUri) : 'choose weights'} on {dir || 'a folder'}
        </span>
        {readOnly && (
          <span className="field-error" data-testid="validate-read-only">
            {readOnly}
          </span>
        )}
      </section>
      {launchError && <ErrorBanner error={launchError} testId="launch-error" />}

      <section className="validate-section">
        <h3>Jobs</h3>
        {jobsError && <ErrorBanner error={jobsError} onRetry={reload} testId="jobs-error" />}
        {!jobs && !jobsError && <Spinner label="Loading jobs" />}
        {jobs && jobs.length === 0 && <div className="empty">No validation jobs yet.</div>}
        <div className="jobs" data-testid="jobs">
          {jobs?.map((job) => <JobCard key={job.job_id} job={job} />)}
        </div>
      </section>
    </div>
  );
}

// The server's jobs, newest first, kept current by `job` events; while a job is active and the event
// stream is down, polling takes over (and a slow poll runs even when live, in case an event was lost).
import { useCallback, useEffect, useRef, useState } from 'react';
import { listJobs } from '../api/client.ts';
import type { ApiError, Job } from '../api/types.ts';
import { toApiError } from '../api/useApi.ts';
import { useLiveState, useServerEvents } from '../live/useServerEvents.ts';

const POLL_LIVE_MS = 10_000;
const POLL_OFFLINE_MS = 2_000;

export const isActive = (job: Job) => job.status === 'QUEUED' || job.status === 'RUNNING';

/** Newer of two states of one job (events and polls can arrive out of order). */
const newer = (a: Job, b: Job) => (b.updated_time >= a.updated_time ? b : a);

export function mergeJobs(current: readonly Job[], incoming: readonly Job[]): Job[] {
  const byId = new Map(current.map((j) => [j.job_id, j]));
  for (const job of incoming) {
    const known = byId.get(job.job_id);
    byId.set(job.job_id, known ? newer(known, job) : job);
  }
  return [...byId.values()].sort((a, b) => b.created_time - a.created_time);
}

export function useJobs(): { jobs: Job[] | undefined; error: ApiError | undefined; reload: () => void; add: (job: Job) => void } {
  const [jobs, setJobs] = useState<Job[]>();
  const [error, setError] = useState<ApiError>();
  const abort = useRef<AbortController | null>(null);
  const reload = useCallback(() => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    listJobs(50, controller.signal).then(
      (list) => {
        if (controller.signal.aborted) return;
        setError(undefined);
        // The list is the truth for what it holds; jobs it no longer returns (older than 50) drop out.
        setJobs((current) => {
          const known = new Map((current ?? []).map((j) => [j.job_id, j]));
          return list.map((j) => newer(known.get(j.job_id) ?? j, j));
        });
      },
      (e: unknown) => !controller.signal.aborted && setError(toApiError(e)),
    );
  }, []);
  const add = useCallback((job: Job) => setJobs((current) => mergeJobs(current ?? [], [job])), []);

  useEffect(() => {
    reload();
    return () => abort.current?.abort();
  }, [reload]);
  useServerEvents({ job: add, reconnect: reload });

  const live = useLiveState();
  const anyActive = jobs?.some(isActive) ?? false;
  useEffect(() => {
    if (!anyActive) return;
    const timer = window.setInterval(reload, live === 'live' ? POLL_LIVE_MS : POLL_OFFLINE_MS);
    return () => window.clearInterval(timer);
  }, [anyActive, live, reload]);

  return { jobs, error, reload, add };
}

// The jobs table: one row per job, read back as the API's Job.
import { desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/open.ts';
import { jobs } from '../../db/schema.ts';
import { notFound } from '../../http/errors.ts';
import type { Job, JobStatus } from './job.ts';

type Row = typeof jobs.$inferSelect;

function jobOf(row: Row): Job {
  return {
    job_id: row.jobId,
    kind: row.kind,
    status: row.status,
    params: JSON.parse(row.params) as Job['params'],
    progress: JSON.parse(row.progress) as Job['progress'],
    error: row.error,
    result_run_ids: JSON.parse(row.resultRunIds) as string[],
    log_tail: row.logTail,
    created_time: row.createdTime,
    updated_time: row.updatedTime,
  };
}

export class JobStore {
  constructor(private readonly db: Db) {}

  insert(job: Job, ownerPid: number): void {
    this.db
      .insert(jobs)
      .values({
        jobId: job.job_id,
        kind: job.kind,
        status: job.status,
        params: JSON.stringify(job.params),
        progress: JSON.stringify(job.progress),
        error: job.error,
        resultRunIds: JSON.stringify(job.result_run_ids),
        logTail: job.log_tail,
        ownerPid,
        createdTime: job.created_time,
        updatedTime: job.updated_time,
      })
      .run();
  }

  /** Writes the job's mutable fields. */
  update(job: Job): void {
    this.db
      .update(jobs)
      .set({
        status: job.status,
        progress: JSON.stringify(job.progress),
        error: job.error,
        resultRunIds: JSON.stringify(job.result_run_ids),
        logTail: job.log_tail,
        updatedTime: job.updated_time,
      })
      .where(eq(jobs.jobId, job.job_id))
      .run();
  }

  get(jobId: string): Job {
    const row = this.db.select().from(jobs).where(eq(jobs.jobId, jobId)).get();
    if (!row) throw notFound(`Job with id=${jobId} not found`);
    return jobOf(row);
  }

  /** Newest first. */
  list(limit: number): Job[] {
    return this.db.select().from(jobs).orderBy(desc(jobs.createdTime), desc(jobs.jobId)).limit(limit).all().map(jobOf);
  }

  /** Jobs not yet over, with the server process that runs them. */
  unfinished(): { job: Job; ownerPid: number }[] {
    const open: JobStatus[] = ['QUEUED', 'RUNNING'];
    return this.db
      .select()
      .from(jobs)
      .where(inArray(jobs.status, open))
      .all()
      .map((row) => ({ job: jobOf(row), ownerPid: row.ownerPid }));
  }
}

// The in-process event bus behind the dashboard's live updates (GET /api/pixal/events): routes
// publish after a write has committed; each SSE connection subscribes. A listener's failure never
// reaches the writer.
import type { Logger } from 'pino';
import { jsonDouble } from '../tracking/entities.ts';
import type { Job } from './jobs/job.ts';
import type { MirrorStatus } from '../mirror/status.ts';

export interface RunEvent {
  run_id: string;
  experiment_id: string;
  status: string;
  run_name: string;
}

export interface MetricPointEvent {
  key: string;
  step: number;
  timestamp: number;
  /** NaN and the infinities as protobuf-JSON writes them ("NaN", "Infinity", "-Infinity"). */
  value: number | string;
}

export type DashboardEvent =
  | { type: 'run'; data: RunEvent }
  | { type: 'metrics'; data: { run_id: string; points: MetricPointEvent[] } }
  | { type: 'alias'; data: { model: string; alias: string; version: string | null } }
  | { type: 'job'; data: Job }
  | { type: 'mirror'; data: MirrorStatus };

export type Listener = (event: DashboardEvent) => void;

export class EventBus {
  private readonly listeners = new Set<Listener>();
  private readonly closers = new Set<() => void>();

  constructor(private readonly logger?: Logger) {}

  /** Returns the unsubscribe function. `onClose` runs when the bus closes (the server stops). */
  subscribe(listener: Listener, onClose?: () => void): () => void {
    this.listeners.add(listener);
    if (onClose) this.closers.add(onClose);
    return () => {
      this.listeners.delete(listener);
      if (onClose) this.closers.delete(onClose);
    };
  }

  publish(event: DashboardEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger?.error({ err, event: event.type }, 'event listener failed');
      }
    }
  }

  /** Ends every subscription (open event streams end, so the HTTP server can close). */
  close(): void {
    for (const close of this.closers) close();
    this.closers.clear();
    this.listeners.clear();
  }

  get size(): number {
    return this.listeners.size;
  }
}

/** The run event of a run_info as runs/create and runs/update return it. */
export function runEvent(info: unknown): DashboardEvent {
  const i = info as { run_id: string; experiment_id: string; status: string; run_name: string };
  return { type: 'run', data: { run_id: i.run_id, experiment_id: i.experiment_id, status: i.status, run_name: i.run_name } };
}

export function metricsEvent(runId: string, points: readonly { key: string; step: number; timestamp: number; value: number }[]): DashboardEvent {
  return { type: 'metrics', data: { run_id: runId, points: points.map((p) => ({ key: p.key, step: p.step, timestamp: p.timestamp, value: jsonDouble(p.value) })) } };
}

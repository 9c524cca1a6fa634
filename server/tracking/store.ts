// One set of tracking stores (and their prepared statements) per database connection.
import type Database from 'better-sqlite3';
import { ExperimentStore } from './experiments.ts';
import { MetricStore } from './metrics.ts';
import { RunStore } from './runs.ts';

export interface TrackingStore {
  experiments: ExperimentStore;
  runs: RunStore;
  metrics: MetricStore;
}

const stores = new WeakMap<Database.Database, TrackingStore>();

export function trackingStore(db: Database.Database): TrackingStore {
  let store = stores.get(db);
  if (!store) {
    const experiments = new ExperimentStore(db);
    const metrics = new MetricStore(db);
    store = { experiments, metrics, runs: new RunStore(db, experiments, metrics) };
    stores.set(db, store);
  }
  return store;
}

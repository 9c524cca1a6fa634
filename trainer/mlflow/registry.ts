// The model registry: registered models, their versions, and aliases (`production`) that point at one.
import { z } from 'zod';
import { hasErrorCode } from './errors.ts';
import type { Transport } from './http.ts';
import { modelVersionSchema, registeredModelSchema, type KeyValue, type ModelVersion, type RegisteredModel } from './types.ts';

const registeredModelAnswer = z.object({ registered_model: registeredModelSchema });
const modelVersionAnswer = z.object({ model_version: modelVersionSchema });
const downloadUriAnswer = z.object({ artifact_uri: z.string() });
const emptyAnswer = z.object({});

function keyValues(tags: Record<string, string> | undefined): KeyValue[] | undefined {
  return tags && Object.entries(tags).map(([key, value]) => ({ key, value }));
}

export interface CreateModelVersionOptions {
  name: string;
  /** Where the model's files are, usually `runs:/<run_id>/model`. */
  source: string;
  runId?: string;
  tags?: Record<string, string>;
  description?: string;
}

export class ModelRegistry {
  constructor(private readonly http: Transport) {}

  /** Creates the model, or returns it when it already exists (registering twice is not an error). */
  async createRegisteredModel(name: string, options: { description?: string; tags?: Record<string, string> } = {}): Promise<RegisteredModel> {
    try {
      const answer = await this.http.api('POST', 'registered-models/create', { name, description: options.description, tags: keyValues(options.tags) }, registeredModelAnswer);
      return answer.registered_model;
    } catch (err) {
      if (hasErrorCode(err, 'RESOURCE_ALREADY_EXISTS')) return this.getRegisteredModel(name);
      throw err;
    }
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    return (await this.http.api('GET', 'registered-models/get', { name }, registeredModelAnswer)).registered_model;
  }

  async createModelVersion(options: CreateModelVersionOptions): Promise<ModelVersion> {
    const fields = { name: options.name, source: options.source, run_id: options.runId, tags: keyValues(options.tags), description: options.description };
    return (await this.http.api('POST', 'model-versions/create', fields, modelVersionAnswer)).model_version;
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    return (await this.http.api('GET', 'model-versions/get', { name, version }, modelVersionAnswer)).model_version;
  }

  /** Points `alias` at `version`, moving it if it pointed elsewhere. */
  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.http.api('POST', 'registered-models/alias', { name, alias, version }, emptyAnswer);
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.http.api('DELETE', 'registered-models/alias', { name, alias }, emptyAnswer);
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return (await this.http.api('GET', 'registered-models/alias', { name, alias }, modelVersionAnswer)).model_version;
  }

  /** The artifact location of a version's files (`mlflow-artifacts:/...`). */
  async getDownloadUri(name: string, version: string): Promise<string> {
    return (await this.http.api('GET', 'model-versions/get-download-uri', { name, version }, downloadUriAnswer)).artifact_uri;
  }
}

// The flags every pipeline command shares (-c, --set, --paths, -j, --quiet) and what they turn into:
// the validated config, the paths file and the worker count, all checked before any work starts.
import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../config/load.ts';
import { DEFAULT_PATHS_FILE, loadPaths, type PathsConfig } from '../config/paths.ts';
import { ConfigError } from '../config/errors.ts';
import type { Config } from '../config/schema.ts';
import { createTerminalReporter, type TerminalReporter } from './progress.ts';

export interface PipelineFlags {
  config: string[];
  set: string[];
  paths: string;
  workers?: number;
  quiet?: boolean;
}

export interface PipelineSettings {
  config: Config;
  paths: PathsConfig;
  /** Worker threads: -j, else the cores. Steps may cap it further (remove_background.max_workers). */
  workers: number;
  reporter: TerminalReporter;
}

export const collect = (value: string, previous: string[]) => [...previous, value];

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got '${value}'`);
  return n;
}

/** -c, --set, --paths, --quiet: what every command that reads the configuration takes. */
export function withConfigOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'extra config merged over configs/parameters.yaml (repeatable; later files win)', collect, [])
    .option('--set <section.key=value>', 'override one key, value read as YAML, e.g. preprocessing.preprocessor.pool_size=4 (repeatable; applied last)', collect, [])
    .option('--paths <file>', 'paths file (output layout)', DEFAULT_PATHS_FILE)
    .option('--quiet', 'no progress bars or step lines; only problems and the summary');
}

/** The config options plus -j, for the commands that run the image pipeline on worker threads. */
export function withPipelineOptions(command: Command): Command {
  return withConfigOptions(command).option('-j, --workers <n>', `worker threads (default: the ${availableParallelism()} cores; background removal is also capped by max_workers)`, positiveInt);
}

export function pipelineSettings(flags: PipelineFlags): PipelineSettings {
  const config = loadConfig({ files: flags.config, sets: flags.set });
  const paths = loadPaths(flags.paths);
  return { config, paths, workers: flags.workers ?? availableParallelism(), reporter: createTerminalReporter({ quiet: flags.quiet }) };
}

/** An input folder given with a flag: it must exist and be a directory. */
export function existingDir(flag: string, dir: string): string {
  const full = resolve(dir);
  let isDir = false;
  try {
    isDir = statSync(full).isDirectory();
  } catch {
    throw new ConfigError([`${flag} ${dir}: no such directory`], 'invalid flag');
  }
  if (!isDir) throw new ConfigError([`${flag} ${dir}: not a directory`], 'invalid flag');
  return full;
}

/** An input file given with a flag: it must exist. */
export function existingFile(flag: string, file: string): string {
  const full = resolve(file);
  let isFile = false;
  try {
    isFile = statSync(full).isFile();
  } catch {
    throw new ConfigError([`${flag} ${file}: no such file`], 'invalid flag');
  }
  if (!isFile) throw new ConfigError([`${flag} ${file}: not a file`], 'invalid flag');
  return full;
}

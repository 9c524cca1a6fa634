// `pixal synth -o DIR`: a synthetic dataset of flex photos — good training images in PIXAL's input layout,
// a test set with defects and pixel masks in the MVTec AD layout, and a manifest — deterministic by --seed.
import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError } from '../../config/errors.ts';
import { existingFile } from '../pipeline-options.ts';
import { createTerminalReporter } from '../progress.ts';

interface SynthFlags {
  output: string;
  component: string;
  seed: number;
  train: number;
  testGood: number;
  testDefective: number;
  size?: { width: number; height: number };
  types?: string[];
  defects?: string[];
  defectScale: number;
  baseImage: string[];
  quiet?: boolean;
}

function count(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected a whole number, got '${value}'`);
  return Number(value);
}

function size(value: string): { width: number; height: number } {
  const match = /^(\d+)x(\d+)$/i.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`expected WIDTHxHEIGHT, e.g. 1920x1080, got '${value}'`);
  return { width: Number(match[1]), height: Number(match[2]) };
}

function scale(value: string): number {
  const factor = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(factor)) throw new InvalidArgumentError(`expected a number, got '${value}'`);
  return factor;
}

const list = (value: string) => value.split(',').map((v) => v.trim()).filter(Boolean);
const collect = (value: string, previous: string[]) => [...previous, value];

/** Option keys as the user typed them, for error messages. */
const FLAGS: Record<string, string> = {
  output: '-o, --output',
  component: '--component',
  seed: '--seed',
  train: '--train',
  testGood: '--test-good',
  testDefective: '--test-defective',
  size: '--size',
  types: '--types',
  defects: '--defects',
  defectScale: '--defect-scale',
  baseImages: '--base-image',
};

export function registerSynthCommand(program: Command): void {
  program
    .command('synth')
    .description('Generate synthetic flex photos: good training images and a test set with defects and pixel masks (MVTec AD layout)')
    .requiredOption('-o, --output <dir>', 'dataset root: train/<component>/<type>/, test/<component>/<type>/, manifest.json')
    .option('--component <name>', 'component folder name', 'flex')
    .option('--seed <n>', 'random seed: the same seed and options give byte-identical files', count, 0)
    .option('--train <n>', 'good training images per type', count, 20)
    .option('--test-good <n>', 'good test images per type', count, 10)
    .option('--test-defective <n>', 'test images per defect kind and type', count, 2)
    .option('--size <WxH>', 'image size (default 1920x1080, or the base image\'s own size)', size)
    .option('--types <list>', 'comma-separated image types (drawn: front, back; default both, or front with a --base-image)', list)
    .option('--defects <list>', 'comma-separated defect kinds (default: all of scratch, particle, cut_trace, bridged_traces, discolouration, missing_pad)', list)
    .option('--defect-scale <factor>', 'multiply every defect\'s size (e.g. 0.5: few-pixel defects)', scale, 1)
    .option('--base-image <[type=]file>', 'build the parts from this real photo instead of drawing them (repeatable; type= for one type only)', collect, [])
    .option('--quiet', 'no progress bar')
    .action(async (flags: SynthFlags) => {
      const baseImages: Record<string, string> = {};
      for (const entry of flags.baseImage) {
        const at = entry.indexOf('=');
        const [type, file] = at > 0 ? [entry.slice(0, at), entry.slice(at + 1)] : ['*', entry];
        baseImages[type] = existingFile('--base-image', file);
      }
      const { SynthOptions } = await import('../../synth/options.ts');
      const parsed = SynthOptions.safeParse({
        output: flags.output,
        component: flags.component,
        seed: flags.seed,
        train: flags.train,
        testGood: flags.testGood,
        testDefective: flags.testDefective,
        size: flags.size,
        types: flags.types,
        defects: flags.defects,
        defectScale: flags.defectScale,
        baseImages,
      });
      if (!parsed.success) {
        throw new ConfigError(
          parsed.error.issues.map((issue) => `${FLAGS[String(issue.path[0])] ?? String(issue.path[0])}: ${issue.message}`),
          'invalid flag',
        );
      }
      const { synthesize, SynthOptionsError } = await import('../../synth/generate.ts');
      const reporter = createTerminalReporter({ quiet: flags.quiet });
      let step: ReturnType<typeof reporter.step> | undefined;
      try {
        const result = await synthesize(parsed.data, (done, total) => {
          step ??= reporter.step('synth', total);
          step.progress(done, total);
        });
        step?.end(`${result.images} images, ${result.masks} masks`);
        reporter.close();
        console.log(`synth: ${result.images} images, ${result.masks} masks -> ${result.root}\nmanifest: ${result.manifest}`);
      } catch (err) {
        reporter.close();
        if (err instanceof SynthOptionsError) throw new ConfigError([err.message], 'invalid flag');
        throw err;
      }
    });
}

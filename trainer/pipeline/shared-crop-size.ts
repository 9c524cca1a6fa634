// One-hot mode trains one model on every image type of a component, so every type's dataset needs one pooled
// shape: all types are cut to one crop size, the largest crop box height and width over the types. Each type
// keeps its own box position (grown around its own centre), so its metadata crop_box is exactly what was cut
// and validation re-centres it as in per-type mode.
import { growCropBox, type CropBox, type CropSize } from './features/crop-box.ts';
import type { CropSurvey } from './features/dataset.ts';
import type { PreprocessorOptions } from './features/options.ts';
import type { WorkerPool } from './workers/pool.ts';

/** Types run side by side: each hands in its own crop box, or withdraws when it failed, and waits for the others. */
export class SharedCropSize {
  private readonly surveys = new Map<string, CropSurvey | null>();
  private readonly all: Promise<void>;
  private allIn: () => void = () => {};

  constructor(private readonly types: readonly string[]) {
    this.all = new Promise((resolve) => (this.allIn = resolve));
  }

  /** Surveys the type's images and returns its box of the shared size, once every type has handed in its own. */
  async boxFor(type: string, inputDir: string, options: PreprocessorOptions, pool: WorkerPool): Promise<CropBox> {
    let survey: CropSurvey;
    try {
      survey = await pool.run('surveyCropBox', { inputDir, options });
    } catch (err) {
      this.withdraw(type);
      throw err;
    }
    this.handIn(type, survey);
    await this.all;
    const size = this.size();
    const { width, height } = survey.imageSize;
    if (height < size.height || width < size.width) {
      throw new Error(
        `one-hot mode cuts every type to one size, ${size.width}x${size.height} (the largest crop box over ${this.describe()}), ` +
          `but the ${type} images are only ${width}x${height}`,
      );
    }
    return growCropBox(survey.box, size, width, height);
  }

  /** A type that failed: the others stop waiting for it (nothing changes once it has handed in its box). */
  withdraw(type: string): void {
    this.handIn(type, null);
  }

  private handIn(type: string, survey: CropSurvey | null): void {
    if (this.surveys.has(type)) return;
    this.surveys.set(type, survey);
    if (this.surveys.size === this.types.length) this.allIn();
  }

  private size(): CropSize {
    const size = { height: 0, width: 0 };
    for (const s of this.surveys.values()) {
      if (!s) continue;
      size.height = Math.max(size.height, s.box.y_max - s.box.y_min);
      size.width = Math.max(size.width, s.box.x_max - s.box.x_min);
    }
    return size;
  }

  /** "front: 135x55 box in 160x90 images, back: ..." */
  private describe(): string {
    return [...this.surveys]
      .flatMap(([type, s]) => (s ? [`${type}: ${s.box.x_max - s.box.x_min}x${s.box.y_max - s.box.y_min} box in ${s.imageSize.width}x${s.imageSize.height} images`] : []))
      .join(', ');
  }
}

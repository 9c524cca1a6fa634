// plots/loss_curve.png of a training run: train and validation loss per epoch, the best epoch marked.
import type { EpochReport } from '../training/train.ts';
import { lineChart } from '../plots/line.ts';

/** SVG of the loss curve; a log axis once the loss spans more than a decade, as it usually does. */
export function lossCurveChart(history: readonly EpochReport[], title: string, lossName: string): string {
  const epochs = history.map((e) => e.epoch);
  const values = history.flatMap((e) => [e.loss, e.val_loss]).filter((v) => v > 0);
  const spansDecade = values.length > 0 && Math.max(...values) / Math.min(...values) > 10;
  const best = history.at(-1)?.best_epoch ?? 0;
  return lineChart({
    title,
    x: { label: 'epoch' },
    y: { label: 'loss', unit: lossName, scale: spansDecade ? 'log' : 'linear' },
    series: [
      { name: 'train', x: epochs, y: history.map((e) => e.loss), markers: history.length <= 30 },
      { name: 'validation', x: epochs, y: history.map((e) => e.val_loss), dashed: true, markers: history.length <= 30 },
    ],
    guides: best > 0 ? [{ axis: 'x', value: best, label: `best epoch ${best}` }] : [],
    legend: 'always',
  });
}

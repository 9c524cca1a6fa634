// Section `plotting`: the detection threshold and which plots `pixal validate` / `pixal detect` draw
// (the loss curve is drawn by `pixal train`). PIXAL's keys and defaults.
import { z } from 'zod';

export const PlottingOptions = z
  .object({
    /** Pixel loss above which a pixel is marked anomalous (on the log10 loss when use_log_loss). */
    loss_cut: z.number().default(0.1),
    /** Compare log10 of the pixel loss with loss_cut instead of the loss itself. */
    use_log_loss: z.boolean().default(false),
    /** Training and validation loss per epoch (pixal train). */
    plot_loss: z.boolean().default(true),
    /** ROC and precision-recall curves against the defect masks. */
    plot_roc_recall: z.boolean().default(true),
    /** Anomaly heatmap over the gray image, pixels over loss_cut in red. */
    plot_anomaly_heatmap: z.boolean().default(true),
    /** Scatter of predicted against true pixel values. */
    plot_pixel_predictions: z.boolean().default(true),
    /** Pixel loss histograms (linear and log, per channel) and value distributions. */
    plot_distributions: z.boolean().default(true),
    /** Confusion matrix of pixels at loss_cut. */
    plot_confusion_matrix: z.boolean().default(true),
  })
  .strict();
export type PlottingOptions = z.infer<typeof PlottingOptions>;

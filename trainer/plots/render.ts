// SVG → PNG through sharp (librsvg): the only I/O of the plot library.
import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';

/** Renders an SVG document to PNG bytes; `scale` 2 doubles the pixel size (for sharper figures). */
export async function svgToPng(svg: string, scale = 1): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 72 * scale }).png({ compressionLevel: 6 }).toBuffer();
}

/** Writes a chart (from lineChart, scatterChart, histogramChart or barChart) as a PNG file. */
export async function writePlot(file: string, svg: string, scale = 1): Promise<void> {
  await writeFile(file, await svgToPng(svg, scale));
}

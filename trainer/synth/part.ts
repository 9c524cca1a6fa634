// Procedural flex parts: the SVG of one side (copper layer, silkscreen, cut edge) rendered with sharp (librsvg)
// at the canonical pose of the real photo, in the output frame.
import sharp from 'sharp';
import type { Image } from '../image/image.ts';
import { copperLayer, FINGER_ZONES, middleY, TRACE_BAND, type CopperDesign } from './flex/copper.ts';
import { outlinePath, PART_ORIGIN, type Box } from './flex/geometry.ts';
import { backMarkings, frontMarkings } from './flex/markings.ts';
import { css, PALETTES, type FlexPalette } from './flex/palette.ts';
import { Random } from './random.ts';
import { drawStage } from './stage.ts';
import { referenceScale, referenceToOutput, type DefectZones, type PartTemplate } from './template.ts';

export const PART_TYPES = ['front', 'back'] as const;
export type PartType = (typeof PART_TYPES)[number];

interface Side {
  palette: FlexPalette;
  copper: CopperDesign;
  markings: (palette: FlexPalette) => string;
  /** Where straight traces run, part units. */
  traceBands: Box[];
}

/** The back's ground plane spans these middle gap lines, and ends at this x. */
const PLANE_ROWS = [6, 29] as const;
const PLANE_END = 900;

const SIDES: Record<PartType, Side> = {
  front: {
    palette: PALETTES.front,
    copper: { zigzagRows: [6, 17, 28], hatches: [{ x0: 1100, y0: 286, x1: 1142, y1: 340 }] },
    markings: frontMarkings,
    traceBands: [TRACE_BAND],
  },
  back: {
    palette: PALETTES.back,
    // The back is mostly a hatched ground plane between a few traces along each edge.
    copper: {
      zigzagRows: [3, 31],
      hatches: [
        { x0: 330, y0: middleY(PLANE_ROWS[0]) + 1.5, x1: PLANE_END, y1: middleY(PLANE_ROWS[1]) - 1.5 },
        { x0: 154, y0: 286, x1: 196, y1: 340 },
      ],
    },
    markings: backMarkings,
    traceBands: [
      { ...TRACE_BAND, y1: middleY(PLANE_ROWS[0]) - 2 },
      { ...TRACE_BAND, y0: middleY(PLANE_ROWS[1]) + 2 },
    ],
  },
};

export function isPartType(name: string): name is PartType {
  return (PART_TYPES as readonly string[]).includes(name);
}

/** The SVG of one side in part units, and its defect zones (part units). */
function partSvg(type: PartType): { svg: string; zones: DefectZones } {
  const side = SIDES[type];
  // One layout per type, whatever the dataset's seed: every image shows the same production part.
  const copper = copperLayer(side.palette, side.copper, new Random('flex-design', type));
  const outline = outlinePath();
  const p = side.palette;
  const svg = [
    `<clipPath id="outline"><path d="${outline}"/></clipPath>`,
    `<g clip-path="url(#outline)">`,
    copper,
    side.markings(p),
    // The cut edge: dark where the copper pour stops, red where stage light passes through the bare film.
    `<path d="${outline}" fill="none" stroke="${css(p.edgeInner)}" stroke-width="13"/>`,
    `<path d="${outline}" fill="none" stroke="${css(p.edgeOuter)}" stroke-width="6"/>`,
    `</g>`,
  ].join('\n');
  return { svg, zones: { traceBands: side.traceBands, fingerZones: FINGER_ZONES } };
}

/** The part of a type drawn at the canonical pose in a width x height frame (RGBA, transparent off the part). */
export async function renderPart(type: PartType, width: number, height: number): Promise<{ part: Image; zones: DefectZones }> {
  const { svg, zones } = partSvg(type);
  const frame = referenceToOutput(width, height);
  const ox = frame.x(PART_ORIGIN.x);
  const oy = frame.y(PART_ORIGIN.y);
  const document = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g transform="translate(${ox} ${oy}) scale(${frame.scale})">${svg}</g></svg>`;
  const { data, info } = await sharp(Buffer.from(document)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height) throw new Error(`part SVG rendered at ${info.width}x${info.height}, expected ${width}x${height}`);
  const toImage = (b: Box): Box => ({ x0: ox + b.x0 * frame.scale, y0: oy + b.y0 * frame.scale, x1: ox + b.x1 * frame.scale, y1: oy + b.y1 * frame.scale });
  return {
    part: { width, height, channels: 4, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) },
    zones: { traceBands: zones.traceBands.map(toImage), fingerZones: zones.fingerZones.map(toImage) },
  };
}

/** Everything samples of a procedural type start from, in a width x height frame. */
export async function proceduralTemplate(type: PartType, width: number, height: number): Promise<PartTemplate> {
  const { part, zones } = await renderPart(type, width, height);
  return { part, stage: drawStage(width, height), zones, scale: referenceScale(width, height), scaleBar: true };
}

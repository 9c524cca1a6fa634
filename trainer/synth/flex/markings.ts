// Silkscreen markings of each side, placed (for the front) where the real photo has them: fab name, designer,
// end labels, serial number, the UL and maker's marks.
import { f } from './geometry.ts';
import { css, type FlexPalette } from './palette.ts';

interface TextStyle {
  size: number;
  weight?: number;
  italic?: boolean;
  anchor?: 'start' | 'middle';
  /** Degrees; -90 reads bottom to top, like the end labels. */
  rotate?: number;
  spacing?: number;
  condensed?: boolean;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function text(palette: FlexPalette, x: number, y: number, content: string, style: TextStyle): string {
  const attributes = [
    `font-family="DejaVu Sans"`,
    `font-size="${style.size}"`,
    `fill="${css(palette.silkscreen)}"`,
    // Silkscreen ink spreads: glyphs print bolder than the font (thin fonts stay thin).
    (style.weight ?? 400) < 400 ? '' : `stroke="${css(palette.silkscreen)}" stroke-width="${f(style.size * 0.075)}"`,
    style.weight ? `font-weight="${style.weight}"` : '',
    style.italic ? `font-style="oblique"` : '',
    style.anchor === 'middle' ? `text-anchor="middle"` : '',
    style.spacing ? `letter-spacing="${style.spacing}"` : '',
    style.condensed ? `font-stretch="condensed"` : '',
    style.rotate ? `transform="translate(${f(x)} ${f(y)}) rotate(${style.rotate})"` : '',
  ].filter(Boolean);
  const position = style.rotate ? 'x="0" y="0"' : `x="${f(x)}" y="${f(y)}"`;
  return `<text ${position} ${attributes.join(' ')}>${escapeXml(content)}</text>`;
}

function ring(palette: FlexPalette, cx: number, cy: number, r: number, width: number): string {
  return `<circle cx="${f(cx)}" cy="${f(cy)}" r="${f(r)}" fill="none" stroke="${css(palette.silkscreen)}" stroke-width="${width}"/>`;
}

export function frontMarkings(p: FlexPalette): string {
  return [
    text(p, 216, 72, 'FAB-R0_Triplet_Data_Flex_F1-A.2', { size: 22, spacing: 2.2 }),
    text(p, 216, 112, 'Designer: Nathaniel Bremer', { size: 22, spacing: 1.2 }),
    text(p, 197, 172, 'Ring End', { size: 40, anchor: 'middle', rotate: -90, spacing: 1 }),
    text(p, 1081, 172, 'Module End', { size: 40, anchor: 'middle', rotate: -90, spacing: 1 }),
    text(p, 216, 274, 'Serial Number:', { size: 20, spacing: 1 }),
    text(p, 446, 276, '0055', { size: 27, weight: 200, condensed: true }),
    text(p, 456, 220, 'Connect Copper Side up', { size: 21, spacing: 1 }),
    // The maker's logo: an outlined oblique monogram over a swoosh.
    `<text x="570" y="172" font-family="DejaVu Sans" font-size="32" font-weight="bold" font-style="oblique" fill="none" stroke="${css(p.silkscreen)}" stroke-width="1.6">uST</text>`,
    `<path d="M566 176 q40 -6 86 -30" stroke="${css(p.silkscreen)}" stroke-width="2" fill="none"/>`,
    text(p, 590, 247, 'RU', { size: 11, weight: 700 }),
    text(p, 608, 247, 'E360726', { size: 17, condensed: true, spacing: 0.5 }),
    text(p, 620, 266, 'THR001', { size: 15, condensed: true }),
    `<path d="M600 278 v7 M595 285 h10 M597 288 h6" stroke="${css(p.silkscreen)}" stroke-width="1.6"/>`,
    text(p, 616, 287, '94V-0', { size: 15, condensed: true }),
    text(p, 800, 256, '3TEK', { size: 15, condensed: true }),
    ring(p, 851, 244, 14, 2),
    text(p, 851, 251, 'ET', { size: 17, anchor: 'middle', condensed: true }),
    text(p, 892, 274, 'epec', { size: 31, weight: 700 }),
    text(p, 742, 289, '31 24', { size: 14, weight: 200, condensed: true }),
  ].join('\n');
}

export function backMarkings(p: FlexPalette): string {
  return [
    text(p, 330, 78, 'FAB-R0_Triplet_Data_Flex_F1-B.2', { size: 22, spacing: 2.2 }),
    text(p, 197, 172, 'Module End', { size: 40, anchor: 'middle', rotate: -90, spacing: 1 }),
    text(p, 1081, 172, 'Ring End', { size: 40, anchor: 'middle', rotate: -90, spacing: 1 }),
    text(p, 915, 150, 'GND', { size: 30, weight: 700, spacing: 2 }),
    text(p, 915, 182, 'LOT 2408', { size: 17, condensed: true, spacing: 1 }),
    text(p, 915, 204, 'REV B', { size: 17, condensed: true, spacing: 1 }),
    text(p, 560, 290, 'Connect Copper Side down', { size: 21, spacing: 1 }),
    `<circle cx="1000" cy="236" r="10" fill="${css(p.void)}"/><circle cx="1000" cy="236" r="5" fill="${css(p.copper)}"/>`,
    ring(p, 258, 290, 9, 2),
    text(p, 258, 295, '2', { size: 13, anchor: 'middle' }),
  ].join('\n');
}

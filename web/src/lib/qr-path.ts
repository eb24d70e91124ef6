/**
 * A QR code as one SVG path: the modules of `encodeQR` (the `qr` package) drawn as unit squares,
 * with the quiet zone of 4 modules the standard asks for. Rendered through lit's `svg` template,
 * so no markup string is ever parsed into the page.
 */
import encodeQR from 'qr';

/** Width and height in modules (quiet zone included) and the path of the dark modules. */
export interface QrPath {
  size: number;
  d: string;
}

const QUIET_ZONE = 4;

/** The QR code of `text` (error correction medium: a phone camera reads it off a screen). */
export function qrPath(text: string): QrPath {
  const modules = encodeQR(text, 'raw', { ecc: 'medium', border: QUIET_ZONE });
  const parts: string[] = [];
  modules.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) parts.push(`M${x} ${y}h1v1h-1z`);
    });
  });
  return { size: modules.length, d: parts.join('') };
}

/** The MFA enrolment's QR code: the path drawn decodes back to the otpauth:// URI. */
import t from 'tap';
import { decodeQR } from 'qr/decode.js';
import { qrPath } from '../src/lib/qr-path.js';

/** Paint the path's unit squares, `scale` pixels each, black on white (RGBA). */
function rasterize(path: { size: number; d: string }, scale: number): { width: number; height: number; data: Uint8Array } {
  const width = path.size * scale;
  const data = new Uint8Array(width * width * 4).fill(255);
  for (const [, x, y] of path.d.matchAll(/M(\d+) (\d+)h1v1h-1z/g)) {
    for (let dy = 0; dy < scale; dy += 1) {
      for (let dx = 0; dx < scale; dx += 1) {
        const at = ((Number(y) * scale + dy) * width + Number(x) * scale + dx) * 4;
        data[at] = data[at + 1] = data[at + 2] = 0;
      }
    }
  }
  return { width, height: width, data };
}

t.test('an otpauth URI drawn as a QR path reads back as the same URI', async (t) => {
  const uri = 'otpauth://totp/Cloud%20Health:alice%40example.com?issuer=Cloud%20Health&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30';
  const path = qrPath(uri);
  t.ok(path.size >= 21 + 8, `${path.size} modules with the quiet zone`);
  t.match(path.d, /^(M\d+ \d+h1v1h-1z)+$/, 'only unit squares');
  t.equal(decodeQR(rasterize(path, 6)), uri);
});

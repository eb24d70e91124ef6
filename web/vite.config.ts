/**
 * Builds the dashboard (web/src) into web/dist, which src/http/static-web.ts serves.
 * `npm run dev:web` serves it with hot reload and proxies the API to a running service
 * (CLOUD_HEALTH_API, default http://127.0.0.1:8080).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env['CLOUD_HEALTH_API'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // Chart.js is the bulk of the bundle; it gets its own long-cached chunk.
    chunkSizeWarningLimit: 400,
  },
  server: {
    proxy: { '/api': api, '/ops': api, '/dev': api, '/metrics': api },
  },
});

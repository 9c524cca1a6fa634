// The dashboard builds from web/ into web/dist, which `pixal server` serves at /.
// `npm run dev:web` proxies the API to PIXAL_SERVER (default http://127.0.0.1:5000).
import { defineConfig, loadEnv } from 'vite';
import react from '@vitejs/plugin-react';

const root = decodeURIComponent(new URL('.', import.meta.url).pathname);

/** Node's environment, reached without Node's types (this config is checked with the web's DOM types). */
const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;

export default defineConfig(({ command, mode }) => {
  // A build started by a test runner inherits NODE_ENV=test, which would bundle React's slow development
  // build with a mismatched JSX runtime. Vite reads NODE_ENV after this config, so a build sets it here.
  if (command === 'build' && mode === 'production') env.NODE_ENV = 'production';
  const target = loadEnv(mode, root, 'PIXAL_').PIXAL_SERVER ?? 'http://127.0.0.1:5000';
  const proxy = { target, changeOrigin: true };
  return {
    root,
    plugins: [react()],
    build: { outDir: 'dist', emptyOutDir: true },
    server: { proxy: { '/api': proxy, '/ajax-api': proxy, '/get-artifact': proxy, '/version': proxy } },
  };
});

// The web UI: built from src/web into dist/web, which the service serves (src/server/routes/web-routes.ts).
// In development `npx vite` serves the UI with hot reload and proxies the API to a running service.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const service = process.env.AZDO_CONNECT_SERVICE_URL ?? 'http://localhost:8080';

export default defineConfig({
  root: 'src/web',
  plugins: [react()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    // Hashed names under assets/ are cached for a year by the service; index.html never.
    assetsDir: 'assets',
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: {
      '/api': { target: service, changeOrigin: false },
      '/openapi.json': service,
    },
  },
});

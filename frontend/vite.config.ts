import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The platform serves the built app under /app; in development the API is proxied to it.
export default defineConfig({
  base: '/app/',
  plugins: [react()],
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'jsdom',
    globals: true,
  },
});

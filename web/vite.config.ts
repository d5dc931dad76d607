// The console is static files under /console/ of mamori serve: relative
// asset URLs under base /console/, content-hashed names under assets/ (the
// server lets browsers keep those), no inline script or style (the server's
// Content-Security-Policy forbids them), no source maps shipped.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: process.env.MAMORI_CONSOLE_OUT ?? 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
    cssCodeSplit: false,
  },
});

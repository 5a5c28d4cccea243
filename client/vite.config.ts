/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import purgeCSS from '@fullhuman/postcss-purgecss'
import { iconSprite, precompress } from './build/plugins.mjs'

const backend = 'http://127.0.0.1:8080'

// Only the bootstrap-italia rules whose selectors name something in our
// sources (or in the design-react-kit header components we use) reach the
// build. Kept whatever the sources say: the elements the server's markdown
// sanitiser may emit in a post (server/internal/markdown) and the classes
// built at run time (icon sizes, the header wrappers' `it-header-${type}-…`,
// react-router's `active` link).
const purge = purgeCSS({
  content: ['index.html', 'src/**/*.{ts,tsx}', 'node_modules/design-react-kit/dist/Header/*.js'],
  safelist: {
    standard: [
      'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'em', 'strong', 'del', 'code', 'pre', 'blockquote',
      'ul', 'ol', 'li', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'img', 'input', 'mention',
      'active', /^icon-/, /^it-header-/, /^navbar-expand/, /^theme-/,
    ],
  },
  variables: true,
  keyframes: true,
})

// bootstrap-italia embeds the video player's icon font (8 KB of base64) in its
// CSS; the board plays no video. Our fonts come from src/styles/fonts.css.
const dropVideoFont = {
  postcssPlugin: 'tavolo-drop-video-font',
  AtRule: {
    'font-face': (rule: { toString(): string; remove(): void }) => {
      if (/font-family:\s*VideoJS/i.test(rule.toString())) rule.remove()
    },
  },
}

export default defineConfig(({ command }) => ({
  plugins: [react(), iconSprite('src'), precompress()],
  css: command === 'build' ? { postcss: { plugins: [purge, dropVideoFont] } } : undefined,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    // Fonts and the icon sprite must be files (the CSP allows data: fonts,
    // but hashed files cache better and keep the CSS small).
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 700,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/ws': { target: backend.replace('http', 'ws'), ws: true, changeOrigin: false },
      '/healthz': backend,
      '/readyz': backend,
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
}))

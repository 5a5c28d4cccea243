// Build-time plugins for Vite (plain JS: the client's typecheck has no Node types).
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const SPRITE_ID = 'virtual:tavolo-sprite';
const SPRITE_SOURCE = 'bootstrap-italia/dist/svg/sprites.svg';

/**
 * `import sprite from 'virtual:tavolo-sprite'` is the URL of an icon sprite
 * holding only the bootstrap-italia icons whose ids (`it-…`) appear in the
 * sources under `srcDir`; in dev it is the whole sprite. A literal id in the
 * source is what keeps an icon: build names, never compute them.
 */
export function iconSprite(srcDir) {
  let build = false;
  return {
    name: 'tavolo-icon-sprite',
    configResolved(c) {
      build = c.command === 'build';
    },
    resolveId(id) {
      return id === SPRITE_ID ? '\0' + SPRITE_ID : null;
    },
    async load(id) {
      if (id !== '\0' + SPRITE_ID) return null;
      if (!build) return `export { default } from '${SPRITE_SOURCE}?url'`;
      const file = (await this.resolve(SPRITE_SOURCE)).id;
      const used = new Set();
      for (const f of sourceFiles(srcDir)) {
        this.addWatchFile(f);
        for (const m of readFileSync(f, 'utf8').matchAll(/\bit-[a-z0-9-]+/g)) used.add(m[0]);
      }
      const symbols = [...readFileSync(file, 'utf8').matchAll(/<symbol id="([^"]+)"[\s\S]*?<\/symbol>/g)]
        .filter((m) => used.has(m[1]))
        .map((m) => m[0]);
      const ref = this.emitFile({
        type: 'asset',
        name: 'sprites.svg',
        source: `<svg xmlns="http://www.w3.org/2000/svg">${symbols.join('')}</svg>`,
      });
      return `export default import.meta.ROLLUP_FILE_URL_${ref}`;
    },
  };
}

function sourceFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => /\.(tsx?|css)$/.test(f) && !/\.test\.tsx?$/.test(f));
}

const COMPRESSIBLE = /\.(html|js|mjs|css|svg|json|txt|xml|map|webmanifest)$/;

/**
 * Writes `<file>.br` and `<file>.gz` beside every compressible file of the
 * build (index.html included) when compression saves bytes: the server
 * sends them as they are, chosen by Accept-Encoding. Maximum levels, fixed
 * parameters: the same input gives the same bytes (the build is committed).
 */
export function precompress() {
  let outDir = 'dist';
  return {
    name: 'tavolo-precompress',
    apply: 'build',
    configResolved(c) {
      outDir = path.resolve(c.root, c.build.outDir);
    },
    closeBundle() {
      for (const rel of readdirSync(outDir, { recursive: true })) {
        const file = path.join(outDir, String(rel));
        if (!COMPRESSIBLE.test(file) || !statSync(file).isFile()) continue;
        const data = readFileSync(file);
        const br = brotliCompressSync(data, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          },
        });
        const gz = gzipSync(data, { level: constants.Z_BEST_COMPRESSION });
        if (br.length < data.length) writeFileSync(file + '.br', br);
        if (gz.length < data.length) writeFileSync(file + '.gz', gz);
      }
    },
  };
}

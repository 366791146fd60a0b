/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { gzipSync, constants } from 'node:zlib'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

// Writes a .gz sibling next to every js/css/svg/json file of the build (once the files
// are final, on disk), so that `kefu serve` can send precompressed assets to browsers that
// accept gzip.
function precompress(): Plugin {
  let outDir = 'dist'
  return {
    name: 'kefu-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir)
    },
    writeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]))
      for (const file of walk(outDir)) {
        if (!/\.(js|mjs|css|svg|json)$/.test(file)) continue
        const raw = readFileSync(file)
        if (raw.length < 1024) continue
        const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION })
        if (gz.length < raw.length) writeFileSync(`${file}.gz`, gz)
      }
    },
  }
}

export default defineConfig({
  base: '/',
  plugins: [
    vue(),
    Components({
      dts: false,
      dirs: [],
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
    }),
    precompress(),
  ],
  resolve: {
    alias: { '@': new URL('./src', import.meta.url).pathname },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      output: {
        // The framework changes least often: its own long-cached chunk.
        manualChunks(id) {
          if (/node_modules\/(@vue|vue|vue-router|pinia|vue-i18n|@intlify)\//.test(id)) return 'vue'
          return undefined
        },
      },
    },
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
})

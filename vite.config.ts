import { fileURLToPath } from 'node:url';
import { build, defineConfig, type Plugin, type UserConfig } from 'vite';

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const npmEngineLoader = fromRoot('./src/elements/shared/load-engine.ts');
const cdnEngineLoader = fromRoot('./src/cdn/load-engine.ts');

/** Keeps dependencies (and their subpaths, e.g. `lit/decorators.js`) out of the npm build. */
const isDependency = (id: string) => /^(lit|jssip|@lit\/|lit-html|lit-element)(\/|$)/.test(id);

/**
 * Points the elements' engine loader at the CDN one: an IIFE build would otherwise
 * inline `import('../../engine/index.js')` and ship JsSIP inside softphone.js.
 */
function cdnEngineLoaderSwap(): Plugin {
  return {
    name: 'softphone:cdn-engine-loader',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!source.includes('load-engine')) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === npmEngineLoader ? cdnEngineLoader : null;
    },
  };
}

/**
 * package.json's `sideEffects` describes the published dist files; read against src/
 * it would let the script-tag entry (imports for their side effect: defining the
 * elements) be tree-shaken to nothing.
 */
function sourceHasSideEffects(): Plugin {
  const src = fromRoot('./src/');
  return {
    name: 'softphone:source-side-effects',
    transform(_code, id) {
      return id.startsWith(src) ? { moduleSideEffects: true } : null;
    },
  };
}

/** The CDN engine module (an ES module with JsSIP inlined), built after softphone.js. */
function cdnEngineBuild(): Plugin {
  return {
    name: 'softphone:cdn-engine',
    apply: 'build',
    async closeBundle() {
      await build({
        configFile: false,
        logLevel: 'warn',
        publicDir: false,
        define: { 'process.env.NODE_ENV': JSON.stringify('production') },
        build: {
          outDir: 'dist/cdn',
          emptyOutDir: false,
          target: 'es2022',
          // Vite keeps whitespace in ES library builds; this one is served as is.
          rolldownOptions: { output: { minify: true } },
          lib: {
            entry: fromRoot('./src/cdn/softphone-engine.ts'),
            formats: ['es'],
            fileName: () => 'softphone-engine.js',
          },
        },
      });
    },
  };
}

const npmBuild: UserConfig = {
  publicDir: false,
  build: {
    outDir: 'dist/esm',
    target: 'es2022',
    sourcemap: true,
    lib: {
      entry: { index: fromRoot('./src/index.ts'), engine: fromRoot('./src/engine/index.ts') },
      formats: ['es'],
    },
    rolldownOptions: { external: isDependency },
  },
};

/** `softphone.js`: one classic script with Lit and the elements; public/ (sounds) beside it. */
const cdnBuild: UserConfig = {
  plugins: [cdnEngineLoaderSwap(), sourceHasSideEffects(), cdnEngineBuild()],
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: 'dist/cdn',
    target: 'es2022',
    rolldownOptions: { output: { minify: true } },
    lib: {
      entry: fromRoot('./src/cdn/softphone.ts'),
      formats: ['iife'],
      name: 'HelplineSoftphone',
      fileName: () => 'softphone.js',
    },
  },
};

export default defineConfig(({ command, mode }) => {
  if (command === 'build') return mode === 'cdn' ? cdnBuild : npmBuild;
  // Dev server for the demo page (index.html).
  return { server: { host: '127.0.0.1', port: 5173, strictPort: true } };
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OutputBundle, OutputChunk } from 'rolldown';
import { build, defineConfig, type Plugin, type UserConfig } from 'vite';
// The JSON itself, not testkit/topology.ts: Vite's config loader wants explicit extensions,
// which tsc refuses for .ts files.
import topology from './testkit/topology.json' with { type: 'json' };

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const engineEntry = fromRoot('./src/engine/index.ts');
/**
 * The engine's `Phone` and all it imports (JsSIP too), without the tabs' sharing
 * (`TabPhone`): what a phone that is not `singleTab` loads (src/elements/shared/load-engine.ts),
 * every click-to-call button among them.
 */
const phoneEngineModule = fromRoot('./src/engine/phone.ts');
/** A call's transfers and added parties, which the engine imports at the first (agents'). */
const callRefersModule = fromRoot('./src/engine/call-refers.ts');
const callButtonModule = fromRoot('./src/elements/call-button/sip-call-button.ts');
const phoneModule = fromRoot('./src/elements/phone/sip-phone.ts');

/**
 * The call button's on-intent parts, the elements they show (keypad, quality indicator)
 * and the English strings beyond the idle ones.
 */
const callPanelModules =
  /[\\/]src[\\/](elements[\\/](call-button[\\/](intent-parts|render-fallback|callback-form|callback-sender)|shared[\\/]render[\\/](in-call|call-controls|quality|call-status|format-duration)|dialpad|quality-indicator)|i18n[\\/](fallback|en\.ts))/;

/** Lit and the base the elements share (src/elements/shared). */
const elementsBaseModules =
  /[\\/](node_modules[\\/](lit|lit-html|lit-element|@lit[\\/][\w-]+)[\\/]|src[\\/]elements[\\/]shared[\\/])/;

/**
 * The engine's modules that the elements import too (the configuration check, the
 * caller-context rules, the quality levels…), with what they import. In the elements' file
 * they would make the engine wait for it, Lit and all, before it could start a phone.
 */
const engineSharedModules =
  /[\\/]src[\\/]engine[\\/](config|caller-context|phone-number|availability|quality[\\/]levels|preflight[\\/]support)\.ts$/;

/** Keeps dependencies (and their subpaths, e.g. `lit/decorators.js`) out of the npm build. */
const isDependency = (id: string) => /^(lit|jssip|@lit\/|lit-html|lit-element)(\/|$)/.test(id);

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

/** What JsSIP requires that the script-tag build replaces, and the stand-in of each. */
const jssipStandIns: Record<string, string> = {
  './Subscriber': fromRoot('./src/cdn/jssip-subscriptions-stub.cjs'),
  './Notifier': fromRoot('./src/cdn/jssip-subscriptions-stub.cjs'),
  // Only the rules JsSIP calls, not its PEG.js parser of all of SIP (issue 16); lib/ and
  // lib/RTCSession/ require it.
  './Grammar': fromRoot('./src/cdn/jssip-grammar.cjs'),
  '../Grammar': fromRoot('./src/cdn/jssip-grammar.cjs'),
  // Node's EventEmitter as the methods JsSIP uses, not the whole package.
  events: fromRoot('./src/cdn/jssip-events.cjs'),
};

/**
 * JsSIP reads two fields of its package.json (lib/Constants.js, lib/JsSIP.js: the
 * User-Agent); this module is those two, taken from the installed JsSIP at build time,
 * rather than the whole file (1.0 KB gzip of the engine chunk, issue 16).
 */
const JSSIP_PACKAGE_FIELDS = '\0softphone:jssip-package-fields';

/**
 * Leaves out of the engine chunk what the engine never uses of JsSIP: SUBSCRIBE/NOTIFY,
 * its full SIP grammar, most of Node's EventEmitter and all of its package.json but the
 * User-Agent's two fields (see each stand-in).
 */
function jssipTrimmed(): Plugin {
  return {
    name: 'softphone:jssip-trimmed',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer?.includes('/node_modules/jssip/lib/')) return null;
      if (source === '../package.json') return JSSIP_PACKAGE_FIELDS;
      return jssipStandIns[source] ?? null;
    },
    load(id) {
      if (id !== JSSIP_PACKAGE_FIELDS) return null;
      const { title, version } = JSON.parse(
        readFileSync(fromRoot('./node_modules/jssip/package.json'), 'utf8'),
      ) as { title: string; version: string };
      return `module.exports = ${JSON.stringify({ title, version })};`;
    },
  };
}

/** The name src/cdn/preload.ts reads the files of each on-demand load from. */
const CHUNK_FILES_GLOBAL = '__SOFTPHONE_CHUNK_FILES__';

/**
 * Writes into the core the files each on-demand load fetches at once: the call button's
 * module with every chunk it imports (the call panel among them); the engine a call adds,
 * without the tabs' sharing (the first intent fetches both lists); the agent phone's module
 * and the whole engine it starts, with the calls' transfers. Read from
 * the bundle rather than written by hand, so a change in how the chunks split cannot bring
 * back a chain of imports (issue 16, "clicked at once", "registration in parallel").
 */
function chunkFilesInCore(written: { json?: string }): Plugin {
  return {
    name: 'softphone:chunk-files',
    apply: 'build',
    generateBundle(_options, bundle: OutputBundle) {
      const chunks = Object.values(bundle).filter(
        (file): file is OutputChunk => file.type === 'chunk',
      );
      const chunk = (test: (c: OutputChunk) => boolean, what: string): OutputChunk => {
        const found = chunks.find(test);
        if (!found) throw new Error(`softphone:chunk-files: no chunk for ${what}`);
        return found;
      };
      const core = chunk((c) => c.fileName === 'softphone-core.js', 'the core');
      /** `roots` and the chunks they import, the core (loaded already) left out. */
      const withImports = (roots: readonly OutputChunk[]): string[] => {
        const files = new Set<string>();
        const visit = (fileName: string): void => {
          if (fileName === core.fileName || files.has(fileName)) return;
          files.add(fileName);
          const imported = bundle[fileName];
          if (imported?.type === 'chunk') for (const next of imported.imports) visit(next);
        };
        for (const root of roots) visit(root.fileName);
        return [...files];
      };
      const button = withImports([
        chunk((c) => c.facadeModuleId === callButtonModule, 'sip-call-button.ts'),
      ]);
      const engine = chunk((c) => c.facadeModuleId === engineEntry, 'the engine');
      const phoneEngine = chunk((c) => c.facadeModuleId === phoneEngineModule, 'phone.ts');
      // The call button's phone is never `singleTab`: the engine without the tabs' sharing.
      const call = withImports([phoneEngine]).filter((file) => !button.includes(file));
      // `<sip-phone>` is `singleTab` unless told otherwise: the whole engine (which imports
      // the other one), so that either loads in this one round; and what its calls import
      // at the first transfer, so that no transfer waits for a download.
      const phone = withImports([
        chunk((c) => c.facadeModuleId === phoneModule, 'sip-phone.ts'),
        engine,
        chunk((c) => c.facadeModuleId === callRefersModule, 'call-refers.ts'),
      ]);
      if (!core.code.includes(CHUNK_FILES_GLOBAL)) {
        throw new Error(`softphone:chunk-files: the core does not read ${CHUNK_FILES_GLOBAL}`);
      }
      written.json = `(${JSON.stringify({ button, call, phone })})`;
      core.code = core.code.replaceAll(CHUNK_FILES_GLOBAL, written.json);
    },
  };
}

/**
 * `softphone.js`, the classic script of the `<script>` tag: it draws the call buttons at
 * rest (src/cdn/draw-call-buttons.ts) and loads `softphone-core.js` next to it. Built after
 * the modules.
 */
function cdnLoaderBuild(chunkFiles: { json?: string }): Plugin {
  return {
    name: 'softphone:cdn-loader',
    apply: 'build',
    async closeBundle() {
      if (!chunkFiles.json) throw new Error('softphone:cdn-loader: the chunk files are not known');
      await build({
        configFile: false,
        logLevel: 'warn',
        publicDir: false,
        // The agent phone's files, which it has fetched as soon as the page has one.
        define: { [CHUNK_FILES_GLOBAL]: chunkFiles.json },
        build: {
          outDir: 'dist/cdn',
          emptyOutDir: false,
          target: 'es2022',
          rolldownOptions: { output: { minify: true } },
          lib: {
            entry: fromRoot('./src/cdn/softphone.ts'),
            formats: ['iife'],
            name: 'HelplineSoftphone',
            fileName: () => 'softphone.js',
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
    rolldownOptions: {
      external: isDependency,
      onLog(level, log, handler) {
        // The npm entry defines every element up front, so the lazy imports meant for the
        // script-tag build (the call button's in-call parts) cannot split here: expected.
        if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return;
        handler(level, log);
      },
    },
  },
};

/**
 * The script-tag build: ES modules, split so a page loads only what it shows.
 * `softphone-core.js` (the call button's intent, without Lit) loads up front; the elements
 * (with Lit and the in-call panel), `softphone-engine.js` (engine with JsSIP),
 * `softphone-tab-phone.js` (its sharing between tabs) and `softphone-call-refers.js`
 * (transfers) are chunks loaded on demand. Fixed names: customers serve the folder as is.
 * public/ (sounds) is copied beside them.
 */
/** The chunk files, as written into the core, for the loader built after it. */
const chunkFilesWritten: { json?: string } = {};

const cdnBuild: UserConfig = {
  plugins: [
    sourceHasSideEffects(),
    jssipTrimmed(),
    chunkFilesInCore(chunkFilesWritten),
    cdnLoaderBuild(chunkFilesWritten),
  ],
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  // JsSIP's `debug` is our shim, whose lines reach the phone's logger (src/engine/jssip-log.ts).
  resolve: { alias: { debug: fromRoot('./src/cdn/jssip-debug.cjs') } },
  build: {
    outDir: 'dist/cdn',
    target: 'es2022',
    rolldownOptions: {
      // Lets the modules every page needs join the entry chunk (one request at rest) instead
      // of common chunks shared with the lazy ones; nothing imports the entry's exports.
      preserveEntrySignatures: false,
      output: {
        // Vite keeps whitespace in ES library builds; these files are served as they are.
        minify: true,
        codeSplitting: {
          groups: [
            { name: 'core', tags: ['$initial'], priority: 3 },
            // Both lists above as one file, `softphone-elements.js`: every element's module
            // imports the call panel's parts (the agent phone and the self-check show a
            // call's quality too), so no page fetches less for them being apart, and each
            // file costs its own gzip header and dictionary and its imports (1.0 KB gzip less
            // after a click and for <sip-phone> than as three files: bench/bundle/
            // composition.ts --together).
            { name: 'shared', test: engineSharedModules, priority: 2.5 },
            {
              name: 'elements',
              test: (id: string) => elementsBaseModules.test(id) || callPanelModules.test(id),
              priority: 2,
            },
          ],
        },
        chunkFileNames: (chunk) =>
          chunk.facadeModuleId === phoneEngineModule
            ? 'softphone-engine.js'
            : chunk.facadeModuleId === engineEntry
              ? 'softphone-tab-phone.js'
              : `softphone-${chunk.name}.js`,
      },
    },
    lib: {
      entry: fromRoot('./src/cdn/core.ts'),
      formats: ['es'],
      fileName: () => 'softphone-core.js',
    },
  },
};

export default defineConfig(({ command, mode }) => {
  if (command === 'build') return mode === 'cdn' ? cdnBuild : npmBuild;
  // Dev server for the demo page (index.html), at the lab's demo origin.
  return { server: { host: topology.host, port: topology.demo.port, strictPort: true } };
});

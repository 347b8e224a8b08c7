import { defineConfig } from 'vite';

// The silo serves the build at /ui (Silo/Ui/UiEndpoints.cs) from the assembly's embedded resources, so the output goes
// into the silo's source tree and is committed: `dotnet build` needs no Node. scripts/build-ui.sh rebuilds it.
export default defineConfig({
  base: '/ui/',
  build: {
    outDir: '../Silo/Ui/dist',
    emptyOutDir: true,
    // The polyfill would be the one script outside the bundle; every browser we target supports modulepreload.
    modulePreload: { polyfill: false },
    // Hashed file names: the silo lets browsers keep /ui/assets/* for a year and never index.html.
    assetsDir: 'assets',
    sourcemap: false,
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});

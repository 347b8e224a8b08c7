// The only ESLint configuration the static_analysis worker uses: ESLint's recommended rules for JavaScript, and
// typescript-eslint's recommended (non type-checked) rules for TypeScript, on every file the worker passes.
// The package's own configuration (eslint.config.*, .eslintrc*, package.json "eslintConfig") is never read: the
// worker runs ESLint with --config pointing here and --no-config-lookup, and --no-inline-config for its comments.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

const typeScriptFiles = ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts"];

export default [
  {
    // Every file the worker names is linted, whatever its extension (a script "bin/cli" of Linguist's JavaScript).
    files: ["**/*"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "module",
      parserOptions: { ecmaFeatures: { jsx: true } },
      // A package's code runs in Node.js or a browser: their globals are not undefined names.
      globals: { ...globals.node, ...globals.browser, ...globals.es2021 },
    },
    linterOptions: { reportUnusedDisableDirectives: "off" },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs" },
  },
  ...tseslint.configs.recommended.map((config) => ({ ...config, files: typeScriptFiles })),
];

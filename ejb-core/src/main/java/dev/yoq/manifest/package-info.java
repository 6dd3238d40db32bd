/**
 * yoq's app manifest: TOML text → {@link dev.yoq.manifest.Manifest} model → canonical snapshot JSON and its
 * hash. Pure Java with no Jakarta types, so the CLI ({@code yoq validate}) and the server load the same code.
 * Pipeline: {@link dev.yoq.manifest.VariableExpansion} on the raw text, a TOML 1.0 parse (Jackson), the
 * {@link dev.yoq.manifest.ManifestReader} building the model (types, formats), {@link dev.yoq.manifest.ManifestRules}
 * checking values and references, {@link dev.yoq.manifest.AppSnapshot} writing the canonical form.
 */
package dev.yoq.manifest;

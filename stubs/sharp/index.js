/* global module -- CommonJS, so that both builds of transformers.js (import and require) load it */
// Imported by @huggingface/transformers at load (it only checks that the import is truthy);
// called only for image inputs, which biobridge never passes (see package.json).
module.exports = function sharp() {
  throw new Error(
    'sharp is replaced by an empty stub in biobridge: image inputs are not supported (README, Install footprint)',
  );
};

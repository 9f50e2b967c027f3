// Never loaded in Node (see package.json); fail loudly should anything start to.
throw new Error('onnxruntime-web is replaced by an empty stub in biobridge (README, Install footprint)');

// Writes tests/Fixtures/Inception/tf-resize-bilinear.json: what TensorFlow's resize_bilinear gives with TF 1's defaults
// (align_corners=False, half_pixel_centers=False), the resize inside TensorFlow's original FID Inception graph and EDM's
// fid.py detector, computed by TF.js's own CPU kernel on fixed images. The C# test (TensorFlowBilinearResizeTests)
// resizes the same inputs and compares. The 299x299 outputs are kept at every 13th row
// and column and the last (a 24x24 lattice), so the file stays small.
//
//   npm install --prefix /tmp/tfjs @tensorflow/tfjs-core@4.22.0 @tensorflow/tfjs-backend-cpu@4.22.0
//   NODE_PATH=/tmp/tfjs/node_modules node scripts/tf-resize-fixture.js tests/Fixtures/Inception/tf-resize-bilinear.json
'use strict';
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const fs = require('fs');

function lattice(out) {
  const kept = [];
  for (let i = 0; i < out; i += out > 20 ? 13 : 1) kept.push(i);
  if (kept[kept.length - 1] !== out - 1) kept.push(out - 1);
  return kept;
}

async function main() {
  await tf.setBackend('cpu');
  let state = 12345;
  const next = () => { state = (state * 48271) % 2147483647; return state / 2147483647 * 2 - 1; }; // exact in doubles
  const cases = [];
  for (const [size, out] of [[5, 7], [8, 13], [7, 4], [28, 299], [32, 299]]) {
    const input = Array.from({ length: size * size }, next);
    const resized = await tf.image.resizeBilinear(tf.tensor4d(input, [1, size, size, 1]), [out, out], false, false).data();
    const kept = lattice(out);
    const output = [];
    for (const r of kept) for (const c of kept) output.push(resized[r * out + c]);
    cases.push({ size, out, kept, input, output });
  }
  const source = `tfjs-core ${tf.version_core}, tf.image.resizeBilinear(alignCorners=false, halfPixelCenters=false), CPU backend`;
  fs.writeFileSync(process.argv[2], JSON.stringify({ source, cases }) + '\n');
}
main();

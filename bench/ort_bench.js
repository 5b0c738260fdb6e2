#!/usr/bin/env node
// Times an ONNX model on ONNX Runtime's CPU execution provider through the npm package
// onnxruntime-node (bench/run_models.py installs it into its cache folder and puts that
// folder's node_modules on NODE_PATH). Timed like kconv's executables (--bench N): 2
// warm-up runs below 10 iterations, else 5, then N timed runs; the last line printed is
// median_ms=<float>.
//
//   node bench/ort_bench.js MODEL.onnx INPUT.bin N C H W THREADS ITERATIONS [OUTPUT.bin]
//
// INPUT.bin: the float32 input, N*C*H*W values in NCHW order. OUTPUT.bin (optional): the
// first output's float32 values, written after the timed runs.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

function now() {
  return Number(process.hrtime.bigint()) / 1e6;
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv.length < 8) {
    console.error('usage: ort_bench.js MODEL.onnx INPUT.bin N C H W THREADS ITERATIONS ' +
                  '[OUTPUT.bin]');
    process.exit(2);
  }
  const [model, input] = argv;
  const dims = argv.slice(2, 6).map(Number);
  const threads = Number(argv[6]), iterations = Number(argv[7]);
  const output = argv[8];
  const options = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: threads,
    interOpNumThreads: threads,
  };
  const start = now();
  const session = await ort.InferenceSession.create(model, options);
  const loadMs = now() - start;
  const bytes = fs.readFileSync(input);
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== count * 4) {
    console.error(`ort_bench.js: ${input} holds ${bytes.length} bytes, ` +
                  `not ${count * 4} (${dims.join('x')} float32)`);
    process.exit(1);
  }
  const data = new Float32Array(bytes.buffer, bytes.byteOffset, count);
  const feeds = {[session.inputNames[0]]: new ort.Tensor('float32', data, dims)};
  const warmup = iterations < 10 ? 2 : 5;
  let result;
  for (let i = 0; i < warmup; ++i)
    result = await session.run(feeds);
  const times = [];
  for (let i = 0; i < iterations; ++i) {
    const t = now();
    result = await session.run(feeds);
    times.push(now() - t);
  }
  times.sort((a, b) => a - b);
  const n = times.length;
  const median = n % 2 ? times[(n - 1) / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
  const out = result[session.outputNames[0]];
  const finite = out.data.every(Number.isFinite);
  if (output)
    fs.writeFileSync(output, Buffer.from(out.data.buffer, out.data.byteOffset,
                                         out.data.byteLength));
  console.log(`ort_version=${ort.env.versions.common}`);
  console.log(`session_ms=${loadMs.toFixed(3)}`);
  console.log(`output_shape=${out.dims.join('x')}`);
  console.log(`output_finite=${finite ? 1 : 0}`);
  console.log(`iterations=${n}\nmin_ms=${times[0].toFixed(6)}\nmax_ms=${times[n - 1].toFixed(6)}`);
  console.log(`median_ms=${median.toFixed(6)}`);
}

main().catch((e) => {
  console.error(`ort_bench.js: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});

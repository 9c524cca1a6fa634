// The one place that loads OpenCV (@u4/opencv4nodejs, built against Debian's OpenCV 4.6).
// Its loader logs its build environment on every require; that noise is silenced here.
import { createRequire } from 'node:module';
import type * as OpenCV from '@u4/opencv4nodejs';

const require = createRequire(import.meta.url);
// The binding's Mat allocator reports native memory to V8 and can start a garbage collection inside OpenCV's
// parallel loops, where V8 aborts ("Check failed: marking_done_", seen in SIFT detect). The switch is read
// with getenv when the binding loads: in a worker thread process.env does not reach getenv, so the main
// process must set it before spawning the worker that loads OpenCV.
process.env.OPENCV4NODEJS_DISABLE_EXTERNAL_MEM_TRACKING ??= '1';
(require('@u4/opencv-build') as { Log: { silence: boolean } }).Log.silence = true;

const cv = require('@u4/opencv4nodejs') as typeof OpenCV;
export default cv;

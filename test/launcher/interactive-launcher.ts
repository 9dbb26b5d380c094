// The CLI's launcher told that stdin is a terminal, which a test cannot give it (no pseudo-terminal without a
// native module): runs the script in argv[2] with the rest as its arguments under the real runWithHeapCap.
import { DEFAULT_MAX_HEAP_MB, runWithHeapCap } from '../../src/heap-cap.js';

const [script, ...args] = process.argv.slice(2);
process.exitCode = await runWithHeapCap(DEFAULT_MAX_HEAP_MB, script!, args, true);

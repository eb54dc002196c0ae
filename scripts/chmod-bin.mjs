// tsc does not keep the executable bit; npm links the bin, but `node dist/cli/main.js` users and
// direct execution both need it.
import { chmodSync, existsSync } from 'node:fs';
const bin = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(bin)) chmodSync(bin, 0o755);

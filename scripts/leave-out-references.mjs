// An asc transform (asconfig.json's shipped targets): leaves every scalar reference (an export
// named `*_ref`) out of the module. The references sit beside their kernels in assembly/ and the
// tests compare each kernel with its reference in the test builds (build/sentiwasm.test.wasm,
// build/sentiwasm-fma.test.wasm), which are compiled without this transform; a page that loads the
// shipped core never calls them, and they would cost it bytes. The exports are removed after
// compiling and before optimising, so the optimiser drops the functions that nothing calls any more,
// and the shipped module is what asc makes of the kernels alone.

import binaryen from 'assemblyscript/binaryen';

/** The suffix that names a scalar reference. */
export const REFERENCE_SUFFIX = '_ref';

export default class LeaveOutReferences {
  /** @param {binaryen.Module} module the compiled, not yet optimised, module */
  afterCompile(module) {
    const names = [];
    for (let i = 0; i < module.getNumExports(); i++)
      names.push(binaryen.getExportInfo(module.getExportByIndex(i)).name);
    for (const name of names) if (name.endsWith(REFERENCE_SUFFIX)) module.removeExport(name);
  }
}

// The tutorial network's initial weights as PyTorch drew them (float32), the
// numbers `sentiwasm demo seed` starts from, so that its losses are PyTorch's. Copied exactly
// from test/fixtures/w1-reference.json ("init"), which a test compares this with.

import type { ParameterValues } from './parameters.js';

/** Initial weights of Linear(3,5) → ReLU → Linear(5,1), keyed as PyTorch names the parameters. */
export const PYTORCH_SEED_INIT: Readonly<ParameterValues> = {
  '0.weight': [
    [-0.004322517663240433, 0.3097158372402191, -0.4751853346824646],
    [-0.4248946011066437, -0.2223689705133438, 0.15482072532176971],
    [-0.011439144611358643, 0.45777493715286255, -0.05123639851808548],
    [0.1527741253376007, -0.1744827926158905, -0.11348707973957062],
    [-0.55157071352005, -0.3823687434196472, -0.2379971146583557],
  ],
  '0.bias': [0.021387115120887756, 0.22824688255786896, 0.34642332792282104, -0.3914094567298889, -0.25141456723213196],
  '2.weight': [
    [0.1624356359243393, 0.37136077880859375, -0.09203663468360901, 0.33465519547462463, -0.07208339124917984],
  ],
  '2.bias': [0.04732150211930275],
};

"""Every PyTorch peer runs on one thread, as sentiwasm's figures it stands beside do."""

import torch


def one_thread(seed=None):
    """PyTorch's intra- and inter-op pools down to one thread; the generator seeded when a seed is given."""
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    if seed is not None:
        torch.manual_seed(seed)

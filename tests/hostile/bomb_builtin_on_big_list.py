# hostile: unknown M "work on large collections"
# sum() of a million items in a 100,000-iteration loop: each builtin call on a large collection
# costs steps by its size, so this ends at the step limit (it ran for hours).
import torch.nn as nn


class M(nn.Module):
    def __init__(self):
        super().__init__()
        big = [0] * 1000000
        n = 0
        for i in range(100000):
            n += sum(big) + big.count(0) + (5 in big)
        self.fc = nn.Linear(10, 20)

# hostile: unknown M "work on large collections"
# Memory: 300 lists of a million items (2.4 GB) were all kept.
import torch.nn as nn


class M(nn.Module):
    def __init__(self):
        super().__init__()
        keep = []
        for i in range(300):
            keep.append([i] * 1000000)
        self.fc = nn.Linear(10, 20)

# hostile: model M total=1001001001000
# hostile: unknown Wide "storage size"
# (Wide: torch raises, even on the meta device: a storage size past an int64 overflows)
import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(1000000, 1000000)
        self.b = nn.Linear(1000000, 1000)


class Wide(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(1, 10**30)
        self.g = nn.Linear(10**30, 1)

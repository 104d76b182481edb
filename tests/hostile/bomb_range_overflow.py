# hostile: unknown M "collection limit"
import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(10**30)])
        self.n = len(self.layers)
        self.fc = nn.Linear(self.n, 1)

# hostile: unknown M "loop iteration limit"
import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList()
        for i in range(10**12):
            self.layers.append(nn.Linear(4, 4))

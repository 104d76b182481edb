# hostile: unknown M "max-int-bits"
import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10**100, 10**100)

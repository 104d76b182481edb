# hostile: unknown M "collection limit"
import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        x = [0] * 10**12
        self.fc = nn.Linear(len(x), 10)

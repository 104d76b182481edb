# hostile: unknown M "collection limit"
import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        x = [0]
        for _ in range(64):
            x = x + x
        self.fc = nn.Linear(len(x), 10)

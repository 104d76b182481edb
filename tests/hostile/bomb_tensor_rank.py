# hostile: unknown M "rank limit"
# A tensor of 999,999 dimensions: every operation walks its shape.
import torch
import torch.nn as nn


class M(nn.Module):
    def __init__(self):
        super().__init__()
        x = torch.zeros(*([1] * 999999))
        for i in range(100000):
            x = x + x
        self.fc = nn.Linear(10, 20)

# hostile: unknown M "collection limit"
import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(*[nn.Linear(2, 2)] * 10**7)

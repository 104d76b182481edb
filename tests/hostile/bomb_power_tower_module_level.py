# hostile: note "max-int-bits"
import torch
import torch.nn as nn
N = 9**9**9
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(N, 10)

# hostile: unknown M "loop iteration limit"
import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        n = 1
        while True:
            n += 1
        self.fc = nn.Linear(n, 10)

# hostile: unknown M "step limit"
import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        x = [[[[[[[i for i in range(60)] for j in range(60)] for k in range(60)] for l in range(60)] for m in range(60)] for a in range(60)] for b in range(60)]
        self.fc = nn.Linear(len(x), 10)

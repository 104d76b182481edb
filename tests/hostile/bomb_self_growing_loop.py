# hostile: unknown M "loop iteration limit"
import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        a = [1]
        for v in a:
            a.append(v)
        self.fc = nn.Linear(len(a), 10)

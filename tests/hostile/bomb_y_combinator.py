# hostile: unknown M "call depth limit"
import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        n = (lambda f: f(f))(lambda f: f(f))
        self.fc = nn.Linear(n, 2)

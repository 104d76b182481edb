# hostile: model M total=16
# hostile: layer M.fc at 9:38
# hostile: layer M.emb at 10:26
import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        t = '日本語 🚀 naïve'; self.fc = nn.Linear(3, 4)
        self.emb = ('🚀', nn.Embedding(2, 0))[1]

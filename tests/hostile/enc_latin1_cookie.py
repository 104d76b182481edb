# -*- coding: latin-1 -*-
# hostile: model M total=16
# hostile: layer M.fc at 9:37
import torch
import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        note = 'Größe ½'; self.fc = nn.Linear(3, 4)

# hostile: model M total=16
# hostile: layer M.fc at 8:20
import torch
import torch.nn as nn
class M(nn.Module):
	def __init__(self):
		super().__init__()
		x = 1; self.fc = nn.Linear(3, 4)

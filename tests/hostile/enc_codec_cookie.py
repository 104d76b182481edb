# -*- coding: rot13 -*-
# hostile: error "not a text encoding"
import torch.nn as nn
m = nn.Linear(2, 2)

# hostile: error "syntax error" at 4:15
import torch
import torch.nn as nn
x = '日本語🚀🚀' + )

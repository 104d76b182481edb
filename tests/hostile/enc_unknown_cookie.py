# coding: klingon
# hostile: error "unknown source encoding 'klingon'"
import torch
import torch.nn as nn

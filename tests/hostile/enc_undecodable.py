# hostile: error "cannot decode as utf-8: byte 0xff" at 4:10
import torch
import torch.nn as nn
x = 'abc ÿþ'

# hostile: unknown M "call depth limit"
import torch
import torch.nn as nn
class Node(nn.Module):
    def __init__(self):
        super().__init__()
        self.child = Node()


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.root = Node()

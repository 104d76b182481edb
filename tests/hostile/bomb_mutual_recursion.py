# hostile: unknown M "call depth limit"
import torch
import torch.nn as nn
def ping(n):
    return pong(n + 1)


def pong(n):
    return ping(n + 1)


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(ping(0), 10)

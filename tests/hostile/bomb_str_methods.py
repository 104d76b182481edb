# hostile: unknown M "work on large collections"
import torch.nn as nn


class M(nn.Module):
    def __init__(self):
        super().__init__()
        s = "ab" * 500000
        n = 0
        for i in range(100000):
            n += s.count("ab") + len(s.upper()) + len(s.replace("a", "b"))
        self.fc = nn.Linear(10, 20)

# hostile: model M total=24
# f-string text decodes its escapes unless raw (Python: len(s) 3, len(t) 4, len(u) 3).
import torch.nn as nn

n = 3
s = f"a\n{n}"
t = rf"a\n{n}"
u = f"\N{BULLET}{n}\t"


class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(len(s), len(t))
        self.g = nn.Linear(len(u), 2)

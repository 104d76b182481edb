# hostile: model M total=80
# A CRLF file: Python reads source with universal newlines, so the string is "a\nb" (3
# characters, not 4): Linear(3, 20) has 80 parameters.
import torch.nn as nn


class M(nn.Module):
    def __init__(self):
        super().__init__()
        s = """a
b"""
        self.fc = nn.Linear(len(s), 20)
